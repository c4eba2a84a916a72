"""The keyboard queues: the review queue (a story's links, to label) and the discrepancy queue
(its possible contradictions, to confirm or dismiss). Both show one item at a time in a fixed
order; keys label or decide it and move on to the next open item, or step to the previous and
next one; HTMX swaps the queue's panel, and without JavaScript the buttons post and redirect
back. What they share is here, and in the template includes claims/_queue_position.html (the
position line), claims/_queue_steps.html (the previous and next links) and
claims/_queue_keys.html (the key map).

A queue never loads its rows: the position is a count, and the neighbours and the next open
item are keyset queries (the first row after or before this one in the queue's order), so a
page costs the same few queries however long the queue is, and an index in the queue's order
keeps each of them short.
"""

from collections.abc import Callable

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import redirect, render
from django_htmx.http import push_url


class KeyboardQueue:
    """Rows in a fixed order, walked one at a time.

    `rows` has every key as a field or an alias; `keys` are their names in the queue's order,
    "-" before a descending one, the last one unique (the id); `open` is the rows still to do.
    """

    def __init__(self, rows: QuerySet, keys: tuple[str, ...], open: Q):
        self.rows, self.keys, self.open = rows, keys, open
        self._values: dict[int, tuple | None] = {}
        self._counts: dict | None = None

    def ordered(self) -> QuerySet:
        """The ids in the queue's order."""
        return self.rows.order_by(*self.keys).values_list("id", flat=True)

    @property
    def ids(self) -> list[int]:
        """Every id in order: the whole queue, which the pages never need."""
        return list(self.ordered())

    def _count(self) -> dict:
        if self._counts is None:
            self._counts = self.counts()
        return self._counts

    def counts(self) -> dict:
        """How many rows the queue holds ("total") and how many are open ("open")."""
        return self.rows.aggregate(total=Count("id"), open=Count("id", filter=self.open))

    @property
    def total(self) -> int:
        return self._count()["total"]

    @property
    def open_count(self) -> int:
        return self._count()["open"]

    @property
    def done_count(self) -> int:
        return self.total - self.open_count

    def holds(self, pk: int | None) -> bool:
        return self._key(pk) is not None

    def fetch(self, pk: int | None, *related: str):
        """Row pk with its `related` rows (select_related), or None when the queue does not hold
        it. Its keys are kept: its position and neighbours need no query for them."""
        if not pk:
            return None
        keys = {f"queue_key_{i}": F(key.lstrip("-")) for i, key in enumerate(self.keys)}
        row = self.rows.filter(pk=pk).select_related(*related).annotate(**keys).order_by().first()
        self._values[pk] = tuple(getattr(row, name) for name in keys) if row else None
        return row

    def first(self) -> int | None:
        return self.ordered().first()

    def after(self, pk: int) -> QuerySet:
        """The ids after row pk, in order (the queue must hold it)."""
        return self.ordered().filter(self._beyond(pk, forward=True))

    def before(self, pk: int) -> QuerySet:
        """The ids before row pk, the nearest first (the queue must hold it)."""
        return self.ordered().filter(self._beyond(pk, forward=False)).reverse()

    def position(self, pk: int) -> int:
        """Where row pk stands, from 1."""
        return 1 + self.before(pk).order_by().count()

    def neighbours(self, pk: int) -> tuple[int | None, int | None]:
        """The ids before and after row pk (None at the ends, or when the queue lacks it)."""
        if not self.holds(pk):
            return None, None
        return self.before(pk).first(), self.after(pk).first()

    def next_open(self, after: int | None = None) -> int | None:
        """The first open row after row `after` (else from the start), wrapping round."""
        following = self.after(after).filter(self.open).first() if self.holds(after) else None
        return following or self.ordered().filter(self.open).first()

    def _key(self, pk: int | None) -> tuple | None:
        """The values of the keys of row pk; None when the queue does not hold it."""
        if not pk:
            return None
        if pk not in self._values:
            names = (F(key.lstrip("-")) for key in self.keys)
            row = self.rows.filter(pk=pk).order_by().values_list(*names)[:1]
            self._values[pk] = next(iter(row), None)
        return self._values[pk]

    def _beyond(self, pk: int, forward: bool) -> Q:
        """The rows after row pk in the queue's order (before it: not `forward`). For keys a, b
        and the row's values va, vb: a > va OR (a = va AND b > vb), behind a >= va, which lets
        an index in the queue's order start at the row instead of scanning up to it."""
        pairs = [
            (key.lstrip("-"), key.startswith("-"), v)
            for key, v in zip(self.keys, self._key(pk), strict=True)
        ]
        beyond = None
        for name, descending, value in reversed(pairs):
            strict = Q(**{f"{name}__{'gt' if forward != descending else 'lt'}": value})
            beyond = strict if beyond is None else strict | (Q(**{name: value}) & beyond)
        name, descending, value = pairs[0]
        return Q(**{f"{name}__{'gte' if forward != descending else 'lte'}": value}) & beyond


def steps(queue: KeyboardQueue, pk: int, address: Callable[[int], str]) -> dict:
    """The context of the position line and the previous and next links at row pk; `address`
    is the queue's URL at a row."""
    previous, following = queue.neighbours(pk)
    return {
        "position": queue.position(pk),
        "total": queue.total,
        "previous": previous,
        "next": following,
        "previous_url": address(previous) if previous else "",
        "next_url": address(following) if following else "",
    }


def panel(request, template: str, context: dict, status: int = 200):
    """The queue's page, or for HTMX only its panel (the template's partial "panel")."""
    return render(
        request, f"{template}#panel" if request.htmx else template, context, status=status
    )


def moved(request, address: str, at: Callable):
    """The answer to a decision: the queue at `address`, where it moved on to; `at()` renders
    its panel. Without HTMX, a redirect there; with it, the panel, its address pushed."""
    if not request.htmx:
        return redirect(address)
    return push_url(at(), address)
