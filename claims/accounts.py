"""Independent accounts of an event: how many separate reports its outlets carry, and which
outlet reported it first. Five outlets agreeing may be one report copied four times.

An article carries the account of the article it copies (`Article.copy_of`, found at import;
followed back to the first original), else of the outlet its text says it first appeared in
(`Article.origin`, "Source: CNN"), else of its own outlet. So an original and its copies are
one account, and so are an outlet's articles and another site's article that states that
outlet as its origin. An outlet's articles are one account (its reporting); an article of no
known outlet that states no origin is an account of its own. Names are matched as outlets
are: case aside, or a name the outlet is also named ("Also named: NAME" in its notes).
Nothing is guessed from the wording.

Who reported first: by the date the articles state (an account's earliest); when some
accounts state none, the earliest dated one, saying so; when none does, the account imported
into the story first ("first in this story").

Only the event's own claims count, as its outlet count does. Nothing here reads a label or a
link's decision, so blind review hides nothing of it: every reader gets the same.

`count` is pure (no database); `for_events` and `for_story` load what it needs in two
queries, plus one a step of a copy chain whose original has no claim in the events."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from articles.models import ARTICLE_TEXTS, Article
from claims.models import Claim

# How the first report was chosen (the exports' `first_reported_basis`).
PUBLISHED = "published"  # every account states a date
SOME_UNDATED = "published_some_undated"  # the earliest stated date; some accounts state none
IMPORT_ORDER = "import_order"  # no account states a date: the first imported into the story
MAX_CHAIN = 20  # copies of copies: a bound, not a length seen (copy_of only points back)


@dataclass(frozen=True)
class Text:
    """An article as the accounts see it."""

    id: int
    outlet_id: int
    outlet: str
    outlet_names: tuple[str, ...]  # its outlet's name and the names it is also known by
    known: bool  # the text names its outlet (not "Unknown")
    title: str  # as the pages show it ("Untitled (file)" when it has none)
    published: date | None
    copy_of: int | None
    origin: str

    @classmethod
    def of(cls, article: Article) -> "Text":
        outlet = article.outlet
        return cls(
            id=article.pk,
            outlet_id=outlet.pk,
            outlet=outlet.name,
            outlet_names=(outlet.name, *outlet.also_named),
            known=not outlet.is_unknown,
            title=article.display_title,
            published=article.published,
            copy_of=article.copy_of_id,
            origin=article.origin,
        )


@dataclass(frozen=True)
class Via:
    """Where an article's reporting comes from, when not from the outlet it is filed under."""

    outlet: str  # the account: the original's outlet, or the origin the text states
    original_id: int | None = None  # the article of the story it copies, if it copies one
    original_title: str = ""

    @property
    def short(self) -> str:
        """As a cell of the coverage matrix says it."""
        return f"copy of {self.outlet}" if self.original_id else f"originally {self.outlet}"


@dataclass(frozen=True)
class Account:
    name: str  # the outlet whose reporting it is ("Unknown" for an unnamed one)
    article_ids: tuple[int, ...]  # the event's articles that carry it, in import order
    sites: tuple[str, ...]  # the outlets those articles are filed under, by name
    published: date | None  # the earliest date they state
    first_id: int  # the first of them imported

    @property
    def carriers(self) -> tuple[str, ...]:
        """The other outlets that carry it (by a copy or by stating it as their origin)."""
        return tuple(s for s in self.sites if s.casefold() != self.name.casefold())


@dataclass(frozen=True)
class First:
    names: tuple[str, ...]  # more than one when several accounts state the same earliest date
    on: date | None
    basis: str  # PUBLISHED, SOME_UNDATED or IMPORT_ORDER


@dataclass(frozen=True)
class Accounts:
    outlets: int  # outlets with a claim of their own in the event
    accounts: tuple[Account, ...]  # earliest first (by date stated, then import order)
    first: First | None  # None: no claims
    via: Mapping[int, Via]  # article id -> where it comes from (only articles not their own)
    notes: Mapping[int, tuple[str, ...]]  # outlet id -> Via.short of its articles, for cells

    @property
    def count(self) -> int:
        return len(self.accounts)

    @property
    def undated(self) -> int:
        return sum(a.published is None for a in self.accounts)

    @property
    def carried(self) -> list[Account]:
        """The accounts some other outlet carries too (a copy, a stated origin)."""
        return [a for a in self.accounts if a.carriers]


NONE = Accounts(0, (), None, {}, {})


def count(article_ids: Iterable[int], texts: Mapping[int, Text]) -> Accounts:
    """The accounts of the articles `article_ids` (those with claims of their own in one
    event). `texts` holds them and the originals their copy chains lead to."""
    ids = sorted(set(article_ids))
    if not ids:
        return NONE
    canonical = _canonical_names(texts.values())
    members, vias = defaultdict(list), {}
    for pk in ids:
        text = texts[pk]
        root = _root(text, texts)
        name = _account_name(root, canonical)
        members[name.casefold() if name else ("article", root.id)].append((text, name))
        via = _via(text, root, name)
        if via:
            vias[pk] = via
    accounts = sorted(
        (_account(rows) for rows in members.values()),
        key=lambda a: (a.published is None, a.published or date.min, a.first_id),
    )
    notes = defaultdict(list)
    for pk, via in vias.items():
        if via.short not in notes[texts[pk].outlet_id]:
            notes[texts[pk].outlet_id].append(via.short)
    return Accounts(
        outlets=len({texts[pk].outlet_id for pk in ids}),
        accounts=tuple(accounts),
        first=_first(accounts),
        via=vias,
        notes={outlet: tuple(shorts) for outlet, shorts in notes.items()},
    )


def _canonical_names(texts: Iterable[Text]) -> dict[str, str]:
    """Every name the outlets go by (case aside) -> the outlet's name."""
    return {n.casefold(): t.outlet for t in texts if t.known for n in t.outlet_names}


def _root(text: Text, texts: Mapping[int, Text]) -> Text:
    """The first original of a copy (the text itself when it copies nothing)."""
    seen = {text.id}
    while text.copy_of in texts and text.copy_of not in seen:
        text = texts[text.copy_of]
        seen.add(text.id)
    return text


def _account_name(root: Text, canonical: dict[str, str]) -> str | None:
    """Whose reporting the original is: the origin it states, else its outlet; None for an
    article of no known outlet that states none (an account of its own)."""
    if root.origin:
        return canonical.get(root.origin.casefold(), root.origin)
    return root.outlet if root.known else None


def _via(text: Text, root: Text, name: str | None) -> Via | None:
    if root is not text:
        return Via(name or root.outlet, root.id, root.title)
    if name and name.casefold() != text.outlet.casefold():
        return Via(name)
    return None


def _account(rows: list[tuple[Text, str | None]]) -> Account:
    texts = [text for text, _ in rows]
    dates = [t.published for t in texts if t.published]
    sites = []
    for t in texts:
        if t.outlet not in sites:
            sites.append(t.outlet)
    return Account(
        name=rows[0][1] or texts[0].outlet,
        article_ids=tuple(t.id for t in texts),
        sites=tuple(sites),
        published=min(dates) if dates else None,
        first_id=min(t.id for t in texts),
    )


def _first(accounts: list[Account]) -> First | None:
    if not accounts:
        return None
    dated = [a for a in accounts if a.published]
    if not dated:
        first = min(accounts, key=lambda a: a.first_id)
        return First((first.name,), None, IMPORT_ORDER)
    on = min(a.published for a in dated)
    names = tuple(a.name for a in dated if a.published == on)
    return First(names, on, PUBLISHED if len(dated) == len(accounts) else SOME_UNDATED)


def for_story(story) -> dict[int, Accounts]:
    """Each event of the story that has claims, with its accounts."""
    return _counted(Claim.objects.filter(event__story=story))


def for_events(event_ids: Iterable[int]) -> dict[int, Accounts]:
    """These events' accounts; an event without claims gets none (`NONE`)."""
    event_ids = list(event_ids)
    found = _counted(Claim.objects.filter(event_id__in=event_ids))
    return {pk: found.get(pk, NONE) for pk in event_ids}


def for_event(event) -> Accounts:
    return for_events([event.pk])[event.pk]


def vias(article_ids: Iterable[int]) -> dict[int, Via]:
    """Where each of these articles' reporting comes from, when not from its own outlet (the
    claims that also tell of an event, whose articles its accounts do not count)."""
    ids = set(article_ids)
    return dict(count(ids, _texts(ids)).via) if ids else {}


def claim_vias(told: Accounts, also_article_ids: Iterable[int]) -> dict[int, Via]:
    """Where the reporting of each article of an event's claims comes from, when not from its
    own outlet: the event's accounts (`told`) say it of its own articles; the articles only of
    the claims that also tell of it, which its accounts do not count, are read apart."""
    own = {pk for account in told.accounts for pk in account.article_ids}
    return {**vias(set(also_article_ids) - own), **told.via}


def _counted(claims) -> dict[int, Accounts]:
    pairs = claims.order_by().values_list("event_id", "article_id").distinct()
    by_event = defaultdict(set)
    for event_id, article_id in pairs:
        by_event[event_id].add(article_id)
    texts = _texts({pk for ids in by_event.values() for pk in ids})
    return {pk: count(ids, texts) for pk, ids in by_event.items()}


def _texts(ids: set[int]) -> dict[int, Text]:
    """These articles and the originals their copy chains lead to, without their texts."""
    texts: dict[int, Text] = {}
    asked, wanted = set(), ids
    for _ in range(MAX_CHAIN):
        if not wanted:
            break
        asked |= wanted
        articles = Article.objects.filter(pk__in=wanted).select_related("outlet")
        for article in articles.defer(*ARTICLE_TEXTS):
            texts[article.pk] = Text.of(article)
        wanted = {t.copy_of for t in texts.values() if t.copy_of} - asked
    return texts
