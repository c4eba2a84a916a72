from django.urls import path

from claims.views import (
    agreement,
    discrepancies,
    edit,
    event,
    exports,
    framing,
    matching,
    overview,
    pair,
    review,
    search,
)

story = "stories/<slug:slug>/"
urlpatterns = [
    path(story, overview.story_overview, name="claims-story"),
    path(story + "search/", search.search, name="claims-search"),
    path(story + "aliases/", edit.add_alias, name="claims-alias-add"),
    path(story + "match/", matching.rematch, name="claims-rematch"),
    path(story + "match/<int:pk>/", matching.match_status, name="claims-match-status"),
    path(story + "events/<int:pk>/", event.event_detail, name="claims-event"),
    path(story + "events/<int:pk>/framing/", framing.event_framing, name="claims-event-framing"),
    path(story + "outlets/<slug:outlet_slug>/", framing.outlet_detail, name="claims-outlet"),
    path(story + "discrepancies/", discrepancies.queue, name="claims-discrepancies"),
    path(
        story + "discrepancies/<int:pk>/decide/",
        discrepancies.decide,
        name="claims-discrepancy-decide",
    ),
    path(story + "events/<int:pk>/rename/", edit.rename_event, name="claims-event-rename"),
    path(story + "events/<int:pk>/merge/", edit.merge_event, name="claims-event-merge"),
    path(story + "events/<int:pk>/move/", edit.move_claims, name="claims-event-move"),
    path(story + "claims/<int:pk>/context/", event.claim_context, name="claims-context"),
    path(story + "claims/<int:pk>/matches/", pair.claim_matches, name="claims-matches"),
    path(story + "links/<int:pk>/", pair.pair_detail, name="claims-pair"),
    path(story + "links/<int:pk>/decide/", edit.decide_link, name="claims-link-decide"),
    path(story + "review/", review.review, name="claims-review"),
    path(story + "review/undo/", review.undo, name="claims-review-undo"),
    path(story + "review/links/<int:pk>/", review.label, name="claims-review-label"),
    path(story + "agreement/", agreement.agreement, name="claims-agreement"),
    path(story + "links/<int:pk>/adjudicate/", agreement.adjudicate, name="claims-adjudicate"),
    path(story + "export.json", exports.export_json, name="claims-export-json"),
    path(story + "annotations.jsonld", exports.export_jsonld, name="claims-export-jsonld"),
    path(story + "export/<slug:table>.csv", exports.export_csv, name="claims-export-csv"),
]
