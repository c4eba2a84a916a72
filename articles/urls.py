from django.urls import path

from articles import views

urlpatterns = [
    path("", views.story_list, name="articles-stories"),
    path("stories/<slug:slug>/", views.story_detail, name="articles-story"),
    path("stories/<slug:slug>/articles/<int:pk>/", views.article_detail, name="articles-detail"),
]
