from django.contrib import admin

from articles.models import Article, Membership, Outlet, Story


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country", "ownership"]
    list_filter = ["ownership", "country"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    inlines = [MembershipInline]
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
        "source",
    ]
    fields = ["story", "outlet", "title", "byline", "published", *readonly_fields]
