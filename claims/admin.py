from django.contrib import admin

from claims.models import Claim


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "position", "start", "end", "speaker"]
    list_filter = ["article__story", "article__outlet"]
    list_select_related = ["article", "article__outlet"]
    search_fields = ["text", "speaker"]
    readonly_fields = ["article", "start", "end", "text", "position"]
    fields = [*readonly_fields, "speaker"]
