from django.contrib import admin
from django.utils import timezone

from articles.models import Article, Invitation, Membership, Outlet, Story


class ModelAdmin(admin.ModelAdmin):
    """The admin's changes move every story's revision (articles/pagecache.py), after the
    write: one saved or deleted row, a bulk "delete selected", inlines. Which stories a change
    concerns (an outlet's name shows in all of them) is not worth the risk of missing one, and
    admin changes are rare."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Story.objects.touch()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Story.objects.touch()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Story.objects.touch()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        Story.objects.touch()


@admin.register(Outlet)
class OutletAdmin(ModelAdmin):
    list_display = ["name", "domain", "country", "ownership"]
    list_filter = ["ownership", "country"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Story)
class StoryAdmin(ModelAdmin):
    inlines = [MembershipInline]
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Article)
class ArticleAdmin(ModelAdmin):
    list_display = ["display_title", "outlet", "story", "published", "source", "imported_at"]
    list_filter = ["story", "outlet", "original_format"]
    list_select_related = ["outlet", "story"]
    search_fields = ["title", "body", "source", "byline"]
    date_hierarchy = "published"
    # The text that claims point into, and the input it came from, are not edited by hand:
    # changing them would move every claim span.
    readonly_fields = [
        "body",
        "original",
        "original_format",
        "display_html",
        "content_hash",
        "imported_at",
        "import_job",
        "source",
    ]
    fields = ["story", "outlet", "title", "byline", "published", *readonly_fields]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-mostly: invitations are made on a story's Members page, which alone ever shows
    the link (only its hash is kept). Here they can be seen, revoked or deleted."""

    list_display = ["story", "role", "email", "created_by", "created_at", "expires_at", "state"]
    list_filter = ["role", "story"]
    list_select_related = ["story", "created_by", "accepted_by"]
    search_fields = ["story__title", "email", "created_by__username", "accepted_by__username"]
    readonly_fields = [
        "story",
        "role",
        "email",
        "created_by",
        "created_at",
        "expires_at",
        "accepted_by",
        "accepted_at",
        "revoked_at",
    ]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="state")
    def state(self, invitation):
        if invitation.accepted_at:
            return f"accepted by {invitation.accepted_by or 'a deleted user'}"
        if invitation.revoked_at:
            return "revoked"
        return "expired" if invitation.expires_at <= timezone.now() else "pending"

    @admin.action(description="Revoke the selected invitations")
    def revoke(self, request, queryset):
        count = queryset.open().update(revoked_at=timezone.now())
        self.message_user(request, f"{count} invitation(s) revoked.")
