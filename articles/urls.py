from django.urls import path

from articles.views import details, health, members, reading, upload

urlpatterns = [
    path("", reading.story_list, name="articles-stories"),
    path("stories/<slug:slug>/articles/", reading.story_detail, name="articles-story"),
    path(
        "stories/<slug:slug>/articles/<int:pk>/original/",
        reading.article_original,
        name="articles-original",
    ),
    path(
        "stories/<slug:slug>/articles/<int:pk>/details/",
        details.article_details,
        name="articles-article-details",
    ),
    path(
        "stories/<slug:slug>/outlets/<slug:outlet_slug>/details/",
        details.outlet_page,
        name="articles-outlet",
    ),
    path(
        "stories/<slug:slug>/outlets/<slug:outlet_slug>/merge/",
        details.outlet_merge,
        name="articles-outlet-merge",
    ),
    path("stories/new/", upload.story_create, name="articles-story-create"),
    path("stories/<slug:slug>/import/", upload.import_page, name="articles-import"),
    path(
        "stories/<slug:slug>/imports/<int:pk>/", upload.import_status, name="articles-import-status"
    ),
    path("stories/<slug:slug>/members/", members.members_page, name="articles-members"),
    path(
        "stories/<slug:slug>/members/<int:pk>/role/",
        members.change_role,
        name="articles-member-role",
    ),
    path(
        "stories/<slug:slug>/members/<int:pk>/remove/",
        members.remove,
        name="articles-member-remove",
    ),
    path("stories/<slug:slug>/invitations/", members.invite, name="articles-invite"),
    path(
        "stories/<slug:slug>/invitations/<int:pk>/revoke/",
        members.revoke,
        name="articles-invitation-revoke",
    ),
    path("invite/<str:token>/", members.invitation, name="articles-invitation"),
    path("accounts/signup/", members.signup, name="articles-signup"),
    path("healthz", health.healthz, name="articles-health"),
]
