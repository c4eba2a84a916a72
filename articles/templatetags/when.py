"""How long ago something happened, in words: "3 minutes ago", and under a minute "just now"
(Django's timesince says "0 minutes")."""

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(value) -> str:
    if not value:
        return ""
    since = timesince(value)
    return "just now" if since.startswith("0\xa0") else f"{since} ago"
