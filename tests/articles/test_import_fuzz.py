"""The importer against bad input: generated files of every kind that broke it (NULs, UTF-32,
lone surrogates, huge numbers, deep nesting, pathological lines) and random mutations of a good
article, through the command line and through the function the browser's import task calls.

Whatever a batch holds: no traceback, every file (and JSON line) reported as imported,
duplicate, skipped or failed with a reason, every stored article reported, nothing unstorable
stored, and the good files of the same batch imported.
"""

import codecs
import json
import random
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.ingest import deadline as deadline_module
from articles.ingest import jsonl as jsonl_module
from articles.ingest import text as text_step
from articles.ingest.importer import DUPLICATE, FAILED, IMPORTED, SKIPPED, Upload, import_uploads
from articles.models import Article, ImportFile, ImportJob, Role, Story
from articles.tasks import start_import
from claims.models import Claim
from claims.text import attribution
from tests.conftest import make_user, run_worker

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
STATUSES = {IMPORTED, DUPLICATE, FAILED, SKIPPED}
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def article(tag: str) -> str:
    """A small article whose every sentence names `tag`, so no two are duplicates."""
    return (
        f"Convoy {tag} struck near Aleppo\n\n"
        f"The aid convoy {tag} was hit on Monday night, officials said.\n\n"
        f"Twenty trucks of convoy {tag} burned, and the UN suspended deliveries.\n"
    )


def jsonl(*records) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def nested(depth: int) -> str:
    return '{"text": "Deep.", "claims": ' + "[" * depth + "]" * depth + "}"


def bad_files() -> dict[str, bytes]:
    """One file of each kind the fuzzing found, and the others a scraper can produce."""
    good = article("good").encode()
    nul_8k = ("Filler sentence about the convoy. " * 300 + "\n\n").encode()
    files = {
        "good.txt": good,
        "empty.txt": b"",
        "blank.txt": b" \n\t\n  ",
        "bom-only.txt": codecs.BOM_UTF8,
        "bom-utf8.txt": codecs.BOM_UTF8 + article("bom8").encode(),
        "binary.txt": bytes(range(256)) * 8,
        "not-utf8.txt": article("latin").encode("latin-1") + "café".encode("latin-1"),
        "mixed-encodings.txt": article("mixed").encode() + "é".encode("cp1252"),
        "truncated-utf8.txt": article("trunc").encode() + "é".encode()[:1],
        "utf16.txt": article("utf16").encode("utf-16"),
        "utf16-be.txt": codecs.BOM_UTF16_BE + article("utf16be").encode("utf-16-be"),
        "utf16-nul.txt": article("utf16 \x00 nul").encode("utf-16"),
        "utf16-odd.txt": article("odd").encode("utf-16") + b"\x41",
        "utf16-lone-surrogate.txt": codecs.BOM_UTF16_LE + b"A\x00\x00\xd8B\x00",
        "utf16-no-bom.txt": article("nobom").encode("utf-16-le"),
        "utf32.txt": article("utf32").encode("utf-32"),
        "utf32-be.txt": codecs.BOM_UTF32_BE + article("utf32be").encode("utf-32-be"),
        "nul-after-8k.txt": nul_8k + article("late \x00 nul").encode(),
        "nuls-only-after-8k.txt": b" " * 9000 + b"\x00" * 10,
        "control-chars.txt": (article("ctrl") + "\x01\x02\x0b\x0c\x1c\x85\u2028\x7f\n").encode(),
        "chrome-only.txt": b"Subscribe now\n\nShare this\n\nAdvertisement\n",
        "huge-line.txt": ("word " * 13_000).encode(),
        "said-chain.txt": ("he said " * 4_000).encode(),
        "byline-spaces.txt": ("By Jane" + " " * 16_000 + "Doe\n\n" + article("by")).encode(),
        "outlet-spaces.txt": ("- Name" + " " * 16_000 + "x\n\n" + article("outlet")).encode(),
        "many-lines.txt": ("A line.\n" * 2_000).encode(),
        "no-extension": good,
        "picture.png": b"\x89PNG\r\n\x1a\n" + bytes(100),
        "nested.html": (
            "<html><body>" + "<div>" * 5_000 + "<p>Deep text.</p>" + "</div>" * 5_000
        ).encode(),
        "unclosed.html": ("<html><body>" + "<b><i>" * 5_000 + article("unclosed")).encode(),
        "garbage.html": b"<<<>>><!--<html <body></p></div>&#0;&#xD800;" * 100,
        "nul.html": f"<html><body><p>{article('html nul')}\x00</p></body></html>".encode(),
        "empty.html": b"",
        "script-only.html": b"<html><script>alert(1)</script></html>",
        "good.jsonl": jsonl({"text": article("jsonl good"), "outlet": "Agence One"}),
        "lines.jsonl": jsonl(
            {"text": "The first line imports, officials said."},
            '{"text": "A big number.", "title": ' + "7" * 5_000 + "}",
            nested(5_000),
            '{"text": "Nested objects.", "x": ' + '{"a": ' * 3_000 + "1" + "}" * 3_000 + "}",
            '{"text": "A lone surrogate \\ud800 in the text, he said."}',
            '{"text": "NUL \\u0000 characters \\u0000 in the text, she said."}',
            '{"text": "A NUL \x00 byte in the line."}',
            '{"\\ud800": "an unknown field named by a surrogate"}',
            '{"text": "\\u0000"}',
            '{"text": "Huge float.", "published": 1e999}',
            '["not", "an", "object"]',
            "{not json",
            "",
            '{"text": "Claims with a NUL.", "claims": ["Claims \\u0000with a NUL."]}',
            '{"text": "The last line imports too, the UN said."}',
        ),
        "bom.jsonl": codecs.BOM_UTF8 + jsonl({"text": "A line after a BOM, they said."}),
        "empty.jsonl": b"\n\n\n",
        "utf32.jsonl": jsonl({"text": "UTF-32 lines."}).decode().encode("utf-32"),
    }
    files.update(mutants(good, 30))
    return files


def mutants(data: bytes, n: int) -> dict[str, bytes]:
    """Random damage to a good article: bytes flipped, inserted, dropped, cut short."""
    rng = random.Random(17)
    damage = [b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xc3", b"\r"]
    out = {}
    for i in range(n):
        body = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(body))
            action = rng.choice(["flip", "insert", "drop", "cut"])
            if action == "flip":
                body[at] = rng.randrange(256)
            elif action == "insert":
                body[at:at] = rng.choice(damage)
            elif action == "drop":
                del body[at : at + rng.randint(1, 20)]
            elif len(body) > 10:
                del body[at:]
        out[f"mutant-{i:02}.{rng.choice(['txt', 'html', 'jsonl'])}"] = bytes(body)
    return out


def assert_nothing_unstorable_stored(story: Story):
    for a in Article.objects.filter(story=story).select_related("outlet"):
        for value in (a.body, a.original, a.title, a.byline, a.source, a.outlet.name):
            assert not UNSTORABLE.search(value), a.source
    for claim in Claim.objects.filter(article__story=story):
        assert not UNSTORABLE.search(claim.text + claim.speaker)
        assert claim.article.body[claim.start : claim.end] == claim.text


def cli_import(*args) -> tuple[list[tuple[str, str, str]], str]:
    """(status, where, reason) for each line the command printed, and its summary."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        assert "input(s) failed" in str(exc)
    rows = []
    for line in (out.getvalue() + err.getvalue()).splitlines():
        match = re.match(r"(imported|duplicate|skipped|FAILED)\s+(.+?): (.*)$", line)
        if match:
            rows.append((match[1].lower(), match[2], match[3]))
    return rows, out.getvalue().splitlines()[-1]


@pytest.mark.slow
def test_every_bad_file_is_reported_through_the_command_and_the_good_ones_import(tmp_path):
    files = bad_files()
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)

    rows, summary = cli_import(tmp_path, "--story", "fuzz")

    story = Story.objects.get(slug="fuzz")
    reported = {
        where.rsplit(":", 1)[0] if where.endswith(tuple("0123456789")) else where
        for _, where, _ in rows
    }
    assert reported == {str(tmp_path / name) for name in files}
    assert all(reason for status, _, reason in rows if status != IMPORTED)
    lines_jsonl = str(tmp_path / "lines.jsonl")
    assert {w for _, w, _ in rows if w.startswith(lines_jsonl)} == {
        f"{lines_jsonl}:{n}" for n in [*range(1, 13), *range(14, 16)]
    }
    imported = [Path(where).name for status, where, _ in rows if status == IMPORTED]
    stored = list(Article.objects.filter(story=story).values_list("source", flat=True))
    assert sorted(imported) == sorted(stored)
    assert {"good.txt", "good.jsonl:1", "lines.jsonl:1", "lines.jsonl:15"} <= set(stored)
    imported_files = {where.split(".jsonl:")[0] for where in imported}
    lines = sum(".jsonl:" in where for where in imported)
    assert summary.startswith(f"{len(files)} files: {len(imported_files)} imported (")
    assert f"Lines of JSONL files: {lines} imported, " in summary
    assert_nothing_unstorable_stored(story)


@pytest.mark.slow
def test_the_browser_import_function_reports_every_file_and_exactly_what_it_stored():
    story = Story.objects.create(slug="fuzz", title="Fuzz")
    files = bad_files()

    report = import_uploads([Upload(name, data) for name, data in files.items()], story)

    assert {o.name for o in report.outcomes} == set(files)
    assert all(o.status in STATUSES for o in report.outcomes)
    assert all(o.reason for o in report.outcomes if o.status != IMPORTED)
    stored = set(Article.objects.filter(story=story).values_list("pk", flat=True))
    assert {a.pk for a in report.articles} == stored
    assert {o.name for o in report.outcomes if o.status == IMPORTED} >= {
        "good.txt",
        "good.jsonl",
        "utf16.txt",
        "bom-utf8.txt",
        "lines.jsonl",
    }
    assert_nothing_unstorable_stored(story)


def outcomes(files: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    story, _ = Story.objects.get_or_create(slug="one", defaults={"title": "One"})
    report = import_uploads([Upload(name, data) for name, data in files.items()], story)
    return {o.where: (o.status, o.reason) for o in report.outcomes}


def test_each_kind_is_refused_or_made_storable_with_a_reason_a_person_reads():
    files = bad_files()
    got = outcomes({k: files[k] for k in ("utf32.txt", "utf32-be.txt", "utf16-nul.txt")})
    assert got["utf32.txt"] == (FAILED, "UTF-32 text is not read; save it as UTF-8 and retry")
    assert got["utf32-be.txt"][0] == FAILED
    assert got["utf16-nul.txt"] == (IMPORTED, "removed 3 NUL characters, which cannot be stored")
    got = outcomes({"nul-after-8k.txt": files["nul-after-8k.txt"]})
    assert got["nul-after-8k.txt"] == (IMPORTED, "removed 3 NUL characters, which cannot be stored")
    article = Article.objects.get(source="nul-after-8k.txt")
    assert "late  nul" in article.body and "\x00" not in article.original

    got = outcomes({"lines.jsonl": files["lines.jsonl"]})
    assert got["lines.jsonl:1"] == (IMPORTED, "")
    assert got["lines.jsonl:2"] == (FAILED, "a number of 5,000 digits; no field is a number")
    assert got["lines.jsonl:3"] == (FAILED, "JSON nested too deeply")
    assert got["lines.jsonl:4"] == (FAILED, "JSON nested too deeply")
    assert got["lines.jsonl:5"] == (IMPORTED, "removed 1 lone surrogate, which cannot be stored")
    assert got["lines.jsonl:6"] == (IMPORTED, "removed 2 NUL characters, which cannot be stored")
    assert got["lines.jsonl:7"][1].startswith("malformed JSON (Invalid control character")
    assert got["lines.jsonl:8"] == (FAILED, "unknown field(s): \ufffd")
    assert got["lines.jsonl:9"] == (FAILED, "needs 'text', 'html' or 'claims'")
    assert got["lines.jsonl:14"][0] == IMPORTED
    assert got["lines.jsonl:15"] == (IMPORTED, "")
    assert Article.objects.get(source="lines.jsonl:5").body == (
        "A lone surrogate  in the text, he said."
    )


def test_a_line_of_words_without_a_full_stop_is_refused_not_made_one_claim():
    """The browser's import stored `huge-line.txt` as one claim of 64,999 characters."""
    got = outcomes({"huge-line.txt": bad_files()["huge-line.txt"]})
    assert got == {
        "huge-line.txt": (
            FAILED,
            "a sentence of 64,999 characters, over the 3,000 a claim may hold: not article text "
            "(sentence punctuation missing?)",
        )
    }
    assert not Claim.objects.exists()


def test_pathological_lines_are_not_taken_for_a_byline_or_an_outlet():
    """`By Jane` + 16,000 spaces + `Doe` took 29 s and became the byline; now it is no byline
    (too long for one), and the outlet line of 16,000 spaces names no outlet."""
    files = bad_files()
    got = outcomes({k: files[k] for k in ("byline-spaces.txt", "outlet-spaces.txt")})
    assert got == {"byline-spaces.txt": (IMPORTED, ""), "outlet-spaces.txt": (IMPORTED, "")}
    by = Article.objects.get(source="byline-spaces.txt")
    assert (by.byline, by.title) == ("", "Convoy by struck near Aleppo")
    assert Article.objects.get(source="outlet-spaces.txt").outlet.name == "Unknown"


def test_a_long_sentence_is_read_for_its_speaker_in_linear_work(monkeypatch):
    """`speaker()` tokenised the whole clause again for every speech verb: 64 KB of `he said`
    took 5 s. Now each verb is read within a window, so the text tokenised stays within a
    small multiple of the sentence, however long it is."""
    scanned = []
    words = attribution._words
    monkeypatch.setattr(
        attribution, "_words", lambda text, s, e: scanned.append(e - s) or words(text, s, e)
    )
    found = {}
    for shape in ("he said ", "the said ", "Kerry, a, said "):
        sentence = shape * (64_000 // len(shape))
        scanned.clear()
        found[shape] = attribution.speaker(sentence)
        assert sum(scanned) <= len(sentence), shape
    assert found == {"he said ": "he", "the said ": "", "Kerry, a, said ": "Kerry"}


@pytest.fixture
def clock(monkeypatch):
    """The importer's clock, standing still until a test moves it."""
    now = [0.0]
    monkeypatch.setattr(deadline_module, "clock", lambda: now[0])
    return now


def slowed(clock, step, marker="SLOW"):
    """`step`, taking an hour whenever its text holds `marker`."""

    def slow(text, *args):
        if marker in text:
            clock[0] += 3600
        return step(text, *args)

    return slow


def test_a_file_over_its_time_budget_fails_and_the_next_one_imports(clock, monkeypatch, settings):
    settings.PARALLAX_IMPORT_FILE_SECONDS = 60
    monkeypatch.setattr(text_step, "clean_text", slowed(clock, text_step.clean_text))

    got = outcomes({"slow.txt": article("SLOW").encode(), "next.txt": article("next").encode()})

    assert got["slow.txt"] == (
        FAILED,
        "took longer than the 60 s one file may take (PARALLAX_IMPORT_FILE_SECONDS); "
        "split it into smaller files",
    )
    assert got["next.txt"] == (IMPORTED, "")
    assert list(Article.objects.values_list("source", flat=True)) == ["next.txt"]


def test_a_jsonl_file_over_its_budget_keeps_and_reports_the_lines_it_stored(
    clock, monkeypatch, settings
):
    settings.PARALLAX_IMPORT_FILE_SECONDS = 60
    monkeypatch.setattr(jsonl_module, "parse_html", slowed(clock, jsonl_module.parse_html))
    lines = jsonl(
        {"text": "The first line is stored, officials said."},
        {"html": f"<html><body><p>{article('SLOW')}</p></body></html>"},
        {"text": "The third line is never read, they said."},
    )

    got = outcomes({"bulk.jsonl": lines})

    assert got["bulk.jsonl:1"] == (IMPORTED, "")
    assert got["bulk.jsonl:2"][0] == FAILED
    assert got["bulk.jsonl:2"][1].startswith(
        "this line and the rest of the file not imported: took longer than the 60 s"
    )
    assert len(got) == 2
    assert list(Article.objects.values_list("source", flat=True)) == ["bulk.jsonl:1"]


def test_a_browser_import_job_lists_exactly_what_it_stored(client):
    """The job used to fail as a whole on the first bad line, with 18 files stored and not
    reported; now its report lists every file and exactly the articles stored."""
    story = Story.objects.create(slug="fuzz", title="Fuzz")
    editor = make_user("edna", story, Role.EDITOR)
    files = bad_files()
    kinds = ["good.txt", "lines.jsonl", "utf32.txt", "utf16-nul.txt", "nested.html", "binary.txt"]
    job = start_import(story, editor, [ImportFile(name=n, data=files[n]) for n in kinds])

    run_worker()

    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == "done"
    assert {row["name"] for row in job.report} == set(kinds)
    stored = set(Article.objects.filter(story=story).values_list("pk", flat=True))
    assert {row["article_id"] for row in job.imported} == stored
    assert {row["name"] for row in job.imported} == {"good.txt", "lines.jsonl", "utf16-nul.txt"}
    assert len(stored) == 2 + 5  # two files, and five lines of lines.jsonl
    client.force_login(editor)
    html = client.get(job.get_absolute_url()).content.decode()
    assert (  # files counted once each (lines.jsonl as imported), its lines apart
        "6 files: 3 imported (1 with a failed line), 0 duplicates, 3 failed. "
        "Lines of JSONL files: 5 imported, 0 duplicates, 9 failed."
    ) in html
    assert "(removed 3 NUL characters, which cannot be stored)" in html
    assert "UTF-32 text is not read; save it as UTF-8 and retry" in html
