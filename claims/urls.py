from django.urls import path

from claims.views import edit, event, matching, overview, pair, search

story = "stories/<slug:slug>/"
urlpatterns = [
    path(story, overview.story_overview, name="claims-story"),
    path(story + "search/", search.search, name="claims-search"),
    path(story + "aliases/", edit.add_alias, name="claims-alias-add"),
    path(story + "match/", matching.rematch, name="claims-rematch"),
    path(story + "match/<int:pk>/", matching.match_status, name="claims-match-status"),
    path(story + "events/<int:pk>/", event.event_detail, name="claims-event"),
    path(story + "events/<int:pk>/rename/", edit.rename_event, name="claims-event-rename"),
    path(story + "events/<int:pk>/merge/", edit.merge_event, name="claims-event-merge"),
    path(story + "events/<int:pk>/move/", edit.move_claims, name="claims-event-move"),
    path(story + "claims/<int:pk>/context/", event.claim_context, name="claims-context"),
    path(story + "claims/<int:pk>/matches/", pair.claim_matches, name="claims-matches"),
    path(story + "links/<int:pk>/", pair.pair_detail, name="claims-pair"),
    path(story + "links/<int:pk>/decide/", edit.decide_link, name="claims-link-decide"),
]
