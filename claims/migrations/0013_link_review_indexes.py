"""Indexes in the review queue's two orders within a story, least sure first (|score - 0.5|,
then id) and by event (links of no event last, the surer first, then id), so that the queue
finds a link's position, its neighbours and the next open link without loading the story's
links (claims.models.review_distance and event_last)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_event_framing"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                models.F("story"),
                models.Func(
                    models.F("score"),
                    output_field=models.FloatField(),
                    template="ABS(%(expressions)s - 0.5)",
                ),
                models.F("id"),
                name="link_review_order",
            ),
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                models.F("story"),
                models.Func(
                    models.F("event"),
                    output_field=models.BigIntegerField(),
                    template="COALESCE(%(expressions)s, 9223372036854775807)",
                ),
                models.OrderBy(models.F("score"), descending=True),
                models.F("id"),
                name="link_review_by_event",
            ),
        ),
    ]
