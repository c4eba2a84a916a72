from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("articles.urls")),
    path("", include("claims.urls")),
]

# The error pages in the site's layout, with a way back (articles/views/errors.py); a 500 is
# Django's own view, rendering templates/500.html without the request.
handler400 = "articles.views.errors.bad_request"
handler403 = "articles.views.errors.forbidden"
handler404 = "articles.views.errors.not_found"
