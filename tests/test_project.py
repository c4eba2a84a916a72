"""Guards that keep the whole project honest."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_every_environment_variable_is_documented_in_the_readme():
    settings_src = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:bool|int|list|str)\(\s*"([A-Z_]+)"', settings_src))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_src))
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= names
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, f"not documented in README.md: {missing}"


def test_every_management_command_is_documented_in_the_readme():
    commands = [p.stem for p in ROOT.glob("*/management/commands/*.py") if p.stem != "__init__"]
    assert commands
    missing = [c for c in commands if c not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_shows_the_two_commands_and_a_screenshot():
    assert "make run" in README and "make test" in README
    shots = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert shots and all((ROOT / s).exists() for s in shots)


def every_page(story, user=None):
    from claims.models import Link

    article = story.articles.first()
    link = Link.objects.filter(story=story).first()
    event = story.events.first()
    claim = link.claim_a
    slug = story.slug
    return [
        reverse("articles-stories"),
        reverse("articles-story", args=[slug]),
        article.get_absolute_url(),
        article.get_absolute_url() + f"?claim={claim.pk}",
        reverse("claims-story", args=[slug]),
        reverse("claims-event", args=[slug, event.pk]),
        reverse("claims-pair", args=[slug, link.pk]),
        reverse("claims-context", args=[slug, claim.pk]),
        reverse("claims-matches", args=[slug, claim.pk]),
        reverse("claims-search", args=[slug]) + "?q=strike",
        reverse("claims-agreement", args=[slug]),
        reverse("login"),
        reverse("password_reset"),
    ] + (
        [
            reverse("articles-import", args=[slug]),
            reverse("articles-story-create"),
            reverse("claims-review", args=[slug]),
            reverse("articles-members", args=[slug]),
            reverse("password_change"),
            reverse("articles-article-details", args=[slug, article.pk]),
            reverse("articles-outlet", args=[slug, article.outlet.slug]),
        ]
        if user
        else []
    )


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False])
def test_each_page_has_one_h1_and_a_csp_with_nonce(client, matched_story, editor, signed_in):
    if signed_in:
        client.force_login(editor)
    # Twice: the second time from the cache for readers without an account.
    for url in every_page(matched_story, editor if signed_in else None) * 2:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert html.count("<h1") == 1, url
        assert '<html lang="en">' in html
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in csp
        assert "unsafe-inline" not in csp
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        assert set(re.findall(r'nonce="([^"]*)"', html)) == {nonce}, url
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {url}"
        assert "style=" not in html, f"inline style on {url}"


@pytest.mark.django_db
def test_htmx_comes_from_our_own_static_files(client):
    html = client.get(reverse("articles-stories")).content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any("htmx" in src for src in scripts)
    assert all(src.startswith("/static/") for src in scripts), scripts
    assert "https://" not in html and "http://" not in html


# -- the layout's import rule ------------------------------------------------------------------

# articles is the lower app: it reaches claims in exactly one place, ingest's store step.
ARTICLES_DOOR = ROOT / "articles" / "ingest" / "store.py"
# Pure code: a function of its input, testable without a database.
PURE = ["claims/text", "claims/matching", "claims/framing"]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def python_files(*folders: str) -> list[Path]:
    files = [p for folder in folders for p in (ROOT / folder).rglob("*.py")]
    return [p for p in files if "migrations" not in p.parts]


def test_articles_reaches_claims_only_through_its_store_step():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] == "claims"
        )
        for path in python_files("articles")
        if path != ARTICLES_DOOR
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert any(m.startswith("claims") for m in imported_modules(ARTICLES_DOOR))
    for template in (ROOT / "templates" / "articles").rglob("*.html"):
        assert '"claims/' not in template.read_text(), template.name


def test_pure_code_imports_neither_django_nor_the_models():
    assert all((ROOT / folder).is_dir() for folder in PURE)
    offenders = {}
    for path in python_files(*PURE):
        bad = [
            m
            for m in imported_modules(path)
            if m.split(".")[0] in {"django", "articles"} or m.endswith("models")
        ]
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_markup_is_built_only_in_templates_and_rows():
    """HTML built in Python lives in claims/views/rows.py, where each piece escapes its text;
    everything else renders templates."""
    builders = re.compile(r"\b(format_html|format_html_join|mark_safe|SafeString)\(")
    allowed = {ROOT / "claims" / "views" / "rows.py"}
    found = sorted(
        str(path.relative_to(ROOT))
        for path in python_files("articles", "claims", "config")
        if path not in allowed and builders.search(path.read_text())
    )
    assert found == []
