from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact


class Claim(models.Model):
    """A span of an article's body: its text is always exactly body[start:end]."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    position = models.PositiveIntegerField(help_text="Order in the article, from 0.")
    speaker = models.CharField(
        max_length=200, blank=True, help_text="Who the sentence attributes it to, if anyone."
    )

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="claim_start_before_end"),
            # The span and its text cannot drift apart: the text is as long as the span.
            models.CheckConstraint(
                condition=Exact(Length("text"), F("end") - F("start")),
                name="claim_text_fits_span",
            ),
            models.UniqueConstraint(fields=["article", "start"], name="claim_unique_start"),
            models.UniqueConstraint(fields=["article", "position"], name="claim_unique_position"),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        body = self.article.body
        if self.end > len(body) or body[self.start : self.end] != self.text:
            raise ValidationError("A claim's text must be exactly its article's body[start:end].")
