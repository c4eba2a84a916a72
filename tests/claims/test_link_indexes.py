"""The links table keeps an index for every way its pages and deletes find links, and none
that another index already serves: each index is written for every link a matching run
inserts (200k at 100k claims)."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from claims.actions import editing
from claims.models import Claim, Event, Link, LinkStatus

pytestmark = pytest.mark.django_db


def link_indexes() -> dict[str, list]:
    """Name -> columns of each index and unique constraint on the links table (not the
    primary key)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Link._meta.db_table)
    return {
        name: info["columns"]
        for name, info in found.items()
        if (info["index"] or info["unique"]) and not info["primary_key"]
    }


def test_no_index_a_longer_one_begins_with_and_only_decided_links_by_person():
    columns = list(link_indexes().values())
    assert ["claim_a_id", "claim_b_id"] in columns  # the unique pair: it serves claim_a too
    assert ["claim_a_id"] not in columns
    by_person = [name for name, cols in link_indexes().items() if cols == ["decided_by_id"]]
    assert by_person == ["link_decided_by"]  # partial: only the links a person decided


def plan(sql: str) -> str:
    """The database's plan for a statement, without running it. PostgreSQL is told to avoid
    scanning the table, as it would with many links: a scan left means no index serves."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row[-1] for row in cursor.fetchall())


def assert_links_found_by_index(statements: list[str]) -> None:
    """Every statement that reads or writes links finds them through an index."""
    table = Link._meta.db_table
    checked = 0
    for sql in statements:
        if table not in sql or not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            continue
        checked += 1
        steps = [line for line in plan(sql).splitlines() if table in line]
        for step in steps:
            assert "Seq Scan" not in step, (sql, step)
            assert not step.lstrip().startswith("SCAN"), (sql, step)
    assert checked


def sql_of(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [query["sql"] for query in captured.captured_queries]


def test_deletes_find_their_links_by_index(matched_story, editor):
    """A user deleted (their decisions' decided_by set to NULL), a claim deleted (its links
    as claim_a and as claim_b) and an event deleted (its links' event set to NULL)."""
    links = Link.objects.filter(story=matched_story).order_by("id")
    decided = links.first()
    decided.decide(LinkStatus.CONFIRMED, editor)
    assert_links_found_by_index(sql_of(editor.delete))
    assert Link.objects.get(pk=decided.pk).decided_by_id is None

    link = links.last()
    for claim_id in (link.claim_a_id, link.claim_b_id):
        assert_links_found_by_index(sql_of(Claim.objects.get(pk=claim_id).delete))
    assert not Link.objects.filter(pk=link.pk).exists()

    event = Event.objects.filter(links__isnull=False).first()
    assert_links_found_by_index(sql_of(lambda: Event.objects.filter(pk=event.pk).delete()))


def test_pages_find_links_by_index(matched_story):
    """What the event page, the claim's links and the review queue read: by claim, by event,
    by story."""
    event = Event.objects.filter(links__isnull=False).first()
    claim = Link.objects.filter(story=matched_story).first().claim_b
    querysets = [
        editing.event_links(event),
        editing.claim_links(claim),
        Link.objects.filter(story=matched_story, event=event),
        Link.objects.filter(story=matched_story, status=LinkStatus.SUGGESTED),
        Link.objects.filter(story=matched_story).order_by("id"),
    ]
    assert_links_found_by_index(sql_of(lambda: [list(queryset) for queryset in querysets]))


def test_migration_0019_back_and_forth_on_a_table_with_links(matched_story):
    """Back (the partial index gone, Django's two foreign-key indexes made again under the
    names Django gives them), then forth: the table as a fresh `migrate` leaves it, links
    kept. Its operations alone: a migration inside the test's transaction is refused."""
    migration = importlib.import_module("claims.migrations.0019_link_fewer_indexes")
    apps = MigrationLoader(connection).project_state(("claims", "0018_search_unaccent")).apps
    editor = connection.SchemaEditorClass(connection)  # not entered: no atomic of its own
    editor.deferred_sql = []  # as entering would
    if connection.vendor == "postgresql":  # no index is made while a check is pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    partial = next(i for i in Link._meta.indexes if i.name == "link_decided_by")
    links, after = Link.objects.count(), link_indexes()

    editor.execute(partial.remove_sql(Link, editor))
    migration.create_own_indexes(apps, editor)
    table = Link._meta.db_table
    made = {editor._create_index_name(table, [column]): [column] for column in migration.COLUMNS}
    assert link_indexes() == {**without(after, "link_decided_by"), **made}

    migration.drop_own_indexes(apps, editor)
    editor.execute(partial.create_sql(Link, editor))
    assert link_indexes() == after
    assert Link.objects.count() == links > 0


def without(indexes: dict, name: str) -> dict:
    return {key: value for key, value in indexes.items() if key != name}
