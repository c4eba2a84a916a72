from django.contrib import admin

from articles.admin import ModelAdmin
from articles.models import Story
from claims.models import (
    Adjudication,
    Alias,
    Annotation,
    AnnotationChange,
    Claim,
    Discrepancy,
    Event,
    GoneEvent,
    LexiconEntry,
    Link,
)


@admin.register(Claim)
class ClaimAdmin(ModelAdmin):
    list_display = ["__str__", "article", "position", "start", "end", "speaker", "event"]
    list_filter = ["article__story", "article__outlet", "event_pinned"]
    list_select_related = ["article", "article__outlet", "event"]
    search_fields = ["text", "speaker"]
    raw_id_fields = ["event"]
    readonly_fields = ["article", "start", "end", "text", "position"]
    fields = [*readonly_fields, "speaker", "event", "event_pinned"]


@admin.register(Event)
class EventAdmin(ModelAdmin):
    list_display = ["display_label", "story", "key", "updated_at"]
    list_filter = ["story"]
    search_fields = ["label", "auto_label"]
    # the matcher writes also_claims on every run; read-only (a select of every claim is slow)
    readonly_fields = ["key", "auto_label", "label_edited_by", "label_edited_at", "also_claims"]

    def save_model(self, request, obj, form, change):
        if "label" in form.changed_data:
            obj.rename(obj.label, request.user, save=False)
        super().save_model(request, obj, form, change)

    # A deleted event's address then says where its claims are (GoneEvent), not "Not Found".
    def delete_model(self, request, obj):
        Event.objects.filter(pk=obj.pk).retire(GoneEvent.Cause.ADMIN)
        Story.objects.filter(pk=obj.story_id).touch()

    def delete_queryset(self, request, queryset):
        queryset.retire(GoneEvent.Cause.ADMIN)
        Story.objects.touch()


@admin.register(Link)
class LinkAdmin(ModelAdmin):
    list_display = ["__str__", "story", "score", "status", "decided_by", "decided_at"]
    list_filter = ["story", "status"]
    list_select_related = ["claim_a", "claim_b", "story", "decided_by"]
    raw_id_fields = ["claim_a", "claim_b"]
    readonly_fields = [
        "story",
        "claim_a",
        "claim_b",
        "score",
        "components",
        "shared_terms",
        "shared_aliases",
        "explanation",
        "decided_by",
        "decided_at",
    ]
    fields = [*readonly_fields[:8], "status", "decided_by", "decided_at"]

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.decide(obj.status, request.user, save=False)
        super().save_model(request, obj, form, change)


@admin.register(Alias)
class AliasAdmin(ModelAdmin):
    list_display = ["__str__", "story", "created_by", "created_at"]
    list_filter = ["story"]
    search_fields = ["terms"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Annotation)
class AnnotationAdmin(ModelAdmin):
    """Read only: labels change through the review queue, which keeps their history."""

    list_display = ["link", "annotator", "label", "version", "updated_at"]
    list_filter = ["link__story", "label"]
    list_select_related = ["link", "annotator"]
    search_fields = ["note", "annotator__username"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AnnotationChange)
class AnnotationChangeAdmin(AnnotationAdmin):
    list_display = ["link", "user", "kind", "label", "is_undo", "undone", "at"]
    list_filter = ["link__story", "kind"]
    list_select_related = ["link", "user"]
    search_fields = ["note", "user__username"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Adjudication)
class AdjudicationAdmin(AnnotationAdmin):
    list_display = ["link", "editor", "label", "version", "at"]
    list_filter = ["link__story", "label"]
    list_select_related = ["link", "editor"]
    search_fields = ["note", "editor__username"]


@admin.register(LexiconEntry)
class LexiconEntryAdmin(ModelAdmin):
    """Words users add to the framing lexicons; merged with claims/framing/lexicons/ on use."""

    list_display = ["term", "kind", "story", "created_by", "created_at"]
    list_filter = ["kind", "story"]
    search_fields = ["term"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Discrepancy)
class DiscrepancyAdmin(ModelAdmin):
    list_display = ["__str__", "story", "kind", "status", "decided_by", "decided_at"]
    list_filter = ["story", "kind", "status"]
    raw_id_fields = ["event", "claim_a", "claim_b"]
    readonly_fields = ["story", "event", "claim_a", "claim_b", "kind", "key", "detail", "spans"]
