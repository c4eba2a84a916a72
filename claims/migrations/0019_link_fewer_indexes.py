"""Links lose two of the indexes Django makes for a foreign key: claim_a's, which the unique
pair (claim_a, claim_b) serves as well, and decided_by's, which holds every link although
only those a person decided have one (link_decided_by: a partial index of those instead).
Every index is written for each link a matching run inserts, 200k at 100k claims.

The indexes are dropped by name only: the fields' AlterField would remake the whole table on
SQLite (a copy of every link), twice."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COLUMNS = ("claim_a_id", "decided_by_id")


def drop_own_indexes(apps, schema_editor):
    """The single-column, non-unique index of each of COLUMNS, whatever its name."""
    link = apps.get_model("claims", "Link")
    for column in COLUMNS:
        for name in schema_editor._constraint_names(
            link, [column], index=True, unique=False, primary_key=False
        ):
            schema_editor.execute(schema_editor._delete_index_sql(link, name))


def create_own_indexes(apps, schema_editor):
    """The indexes as Django makes them for a foreign key (same names)."""
    link = apps.get_model("claims", "Link")
    for column in COLUMNS:
        field = link._meta.get_field(column.removesuffix("_id"))
        schema_editor.execute(schema_editor._create_index_sql(link, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0018_search_unaccent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="link",
                    name="claim_a",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links_as_a",
                        to="claims.claim",
                    ),
                ),
                migrations.AlterField(
                    model_name="link",
                    name="decided_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_own_indexes, create_own_indexes, elidable=False),
            ],
        ),
        migrations.AddIndex(
            model_name="link",
            index=models.Index(
                condition=models.Q(("decided_by__isnull", False)),
                fields=["decided_by"],
                name="link_decided_by",
            ),
        ),
    ]
