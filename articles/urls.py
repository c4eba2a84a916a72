from django.urls import path

from articles.views import reading, upload

urlpatterns = [
    path("", reading.story_list, name="articles-stories"),
    path("stories/<slug:slug>/articles/", reading.story_detail, name="articles-story"),
    path(
        "stories/<slug:slug>/articles/<int:pk>/original/",
        reading.article_original,
        name="articles-original",
    ),
    path("stories/new/", upload.story_create, name="articles-story-create"),
    path("stories/<slug:slug>/import/", upload.import_page, name="articles-import"),
    path(
        "stories/<slug:slug>/imports/<int:pk>/", upload.import_status, name="articles-import-status"
    ),
]
