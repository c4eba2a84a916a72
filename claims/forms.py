from django import forms
from django.contrib.auth import get_user_model
from django.forms.utils import flatatt

from articles.models import BlindReview, Membership, Role
from claims.actions.annotating import ORDERS
from claims.actions.assigning import SCOPES
from claims.models import DiscrepancyStatus, Event, FinalLabel, Label, Link, LinkStatus
from claims.views import rows

# Events offered as targets in one form: enough for a page, bounded for a big story.
MAX_TARGETS = 200
LABEL_FIELDS = ("id", "label", "auto_label")  # what Event.display_label reads


# An editor's event page offers up to 200 events twice and every claim of the event as a
# checkbox. Django renders each option through its own template, which cost more than all the
# rest of the page; these two build the same markup in Python (claims/views/rows.py).
class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return rows.select(name, attrs, self.choices, set(self.format_value(value)))


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        group = attrs.pop("id", None) or f"id_{name}"
        chosen = set(self.format_value(value))
        return rows.checkboxes(group, name, flatatt(attrs), self.choices, chosen)


class RenameForm(forms.Form):
    label = forms.CharField(max_length=300, strip=True)
    # The version the page showed: a rename from a stale page is refused, not applied.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class MergeForm(forms.Form):
    other = forms.ModelChoiceField(
        queryset=Event.objects.none(),
        label="Merge this other event into this one",
        empty_label="Choose an event",
        widget=QuickSelect,
    )

    def __init__(self, *args, story, event, **kwargs):
        super().__init__(*args, **kwargs)
        others = story.events.exclude(pk=event.pk).order_by("id").only(*LABEL_FIELDS)
        self.fields["other"].queryset = others.filter(pk__in=others[:MAX_TARGETS].values("pk"))


class MoveClaimsForm(forms.Form):
    """Claims of one event, moved into another event of the story or split off into a new one."""

    NEW = "new"
    claims = forms.TypedMultipleChoiceField(coerce=int, widget=QuickCheckboxes, label="Claims")
    target = forms.ChoiceField(label="Move them to", widget=QuickSelect)

    def __init__(self, *args, story, event, claims, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = story
        self.fields["claims"].choices = [
            (c.id, f"{c.article.outlet.name}: {c.text[:110]}") for c in claims
        ]
        others = story.events.exclude(pk=event.pk).order_by("id").only(*LABEL_FIELDS)
        others = others[:MAX_TARGETS]
        self.fields["target"].choices = [(self.NEW, "a new event of their own")] + [
            (str(e.pk), e.display_label[:80]) for e in others
        ]

    def clean_target(self):
        value = self.cleaned_data["target"]
        return None if value == self.NEW else self.story.events.get(pk=int(value))


class ShownPairForm(forms.Form):
    """A form that acts on a link, with the two claims (hidden) the page showed it between.
    A link a re-match removed since is then still known by its claims (the answer names what
    links them now), and a pair that is not the link's is refused: nothing is written for a
    link id the page did not show it for. Pages loaded before forms carried the pair send
    none; it is optional. `link`: the link as it is now (None when it no longer exists)."""

    claim_a = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    claim_b = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, link=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.link = link

    def clean(self):
        data = super().clean()
        if "claim_a" not in data or "claim_b" not in data:
            return data  # a claim that is not a number has its own error
        a, b = data["claim_a"], data["claim_b"]
        if (a is None) != (b is None) or (a is not None and a == b):
            raise forms.ValidationError(
                "The page sent half a pair of claims. Nothing was saved; load the page again.",
                code="pair",
            )
        link = self.link
        if a is not None and link is not None and {a, b} != {link.claim_a_id, link.claim_b_id}:
            raise forms.ValidationError(
                "This form was shown for another pair of claims than link %(link)s joins. "
                "Nothing was saved; load the page again.",
                code="pair",
                params={"link": link.pk},
            )
        return data

    def pair(self) -> tuple[int, int] | None:
        """The two claims sent, when they are a well-formed pair (whatever the rest)."""
        self.is_valid()
        a, b = self.cleaned_data.get("claim_a"), self.cleaned_data.get("claim_b")
        return (a, b) if a is not None and b is not None and a != b else None


class DecideForm(ShownPairForm):
    status = forms.ChoiceField(choices=LinkStatus.choices)


class AliasForm(forms.Form):
    terms = forms.CharField(
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "Daesh, ISIS, Islamic State"}),
        help_text="Names that mean the same thing, separated by commas.",
    )

    def clean_terms(self):
        terms = [t.strip() for t in self.cleaned_data["terms"].split(",") if t.strip()]
        if len(set(t.casefold() for t in terms)) < 2:
            raise forms.ValidationError("Give at least two different names, separated by commas.")
        return terms


class SearchForm(forms.Form):
    """The search page's query and filters (GET). The view gives the story's outlets and
    events to choose from, and (`offer_events`) what the event menu lists: a story may have
    thousands, so the largest, and the one chosen. Any event of the story is accepted."""

    q = forms.CharField(required=False, strip=True, label="Words in the claim")
    outlet = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any outlet")
    event = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Any event", widget=QuickSelect
    )
    since = forms.DateField(
        required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, outlets, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].queryset = outlets
        self.fields["event"].queryset = events

    def offer_events(self, shown_events: list[tuple[int, str]]) -> None:
        """List these (id, label) in the event menu, and the chosen event if it is not one."""
        chosen = self.cleaned_data.get("event") if hasattr(self, "cleaned_data") else None
        shown = [(str(pk), label[:80]) for pk, label in shown_events]
        if chosen and str(chosen.pk) not in dict(shown):
            shown.append((str(chosen.pk), chosen.display_label[:80]))
        self.fields["event"].widget.choices = [("", "Any event"), *shown]

    def filters(self) -> dict:
        """The valid filters, by name (an invalid one is left out, its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data[k] for k in ("outlet", "event", "since", "until") if data.get(k)}


class ClaimSelectForm(forms.Form):
    """The claim a reader clicked, for readers without JavaScript (?claim=ID)."""

    claim = forms.IntegerField(required=False, min_value=1)


NOTE_MAX = 2000


class LabelForm(ShownPairForm):
    """A label on a link from the review queue; `version` is that of the user's annotation as
    the page showed it (0 when there was none)."""

    label = forms.ChoiceField(choices=Label.choices)
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "data-keys": "e"}),
        help_text="Optional, plain text.",
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    order = forms.ChoiceField(choices=ORDERS.items(), required=False)


class ReviewForm(forms.Form):
    """Where the review queue stands: its order and the link shown (else the next open one)."""

    order = forms.ChoiceField(choices=ORDERS.items(), required=False, label="Order")
    link = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class UndoForm(ShownPairForm):
    """Undo in the review queue: `link` is the link of the label the page offered to undo (the
    user's latest change then), with its pair; without it (an old page), the latest change."""

    order = forms.ChoiceField(choices=ORDERS.items(), required=False)
    link = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, story, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = story
        self.missing = None  # the link id sent, when the story has no such link

    def clean_link(self):
        pk = self.cleaned_data["link"]
        if pk is not None:
            self.link = Link.objects.filter(story=self.story, pk=pk).first()
            self.missing = pk if self.link is None else None
        return pk


class AdjudicateForm(ShownPairForm):
    # No label is chosen until the editor chooses one: a form sent without is refused.
    label = forms.ChoiceField(
        choices=[("", "Choose a final label…"), *FinalLabel.choices], label="Final label"
    )
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, strip=True, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class AgreementFilterForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(), required=False, empty_label="All events", label="Event"
    )

    def __init__(self, *args, story, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = story.events.order_by("id")


class OutletColumnForm(forms.Form):
    """The outlet whose whole column an event page shows (?outlet=ID)."""

    outlet = forms.IntegerField(required=False, min_value=1)


class DiscrepancyQueueForm(forms.Form):
    item = forms.IntegerField(required=False, min_value=1)


class DiscrepancyDecideForm(forms.Form):
    status = forms.ChoiceField(choices=DiscrepancyStatus.choices)


class BulkDecideForm(forms.Form):
    """Confirm or reject every suggestion of the matcher on an event or a claim. `shown` is
    what the page listed (editing.shown: how many, and which): a page that listed another set
    is refused rather than applied to links its reader never saw."""

    status = forms.ChoiceField(
        choices=[(s, LinkStatus(s).label) for s in (LinkStatus.CONFIRMED, LinkStatus.REJECTED)]
    )
    shown = forms.RegexField(regex=r"^\d+-[0-9a-f]{16}$", widget=forms.HiddenInput)


class GuidelinesForm(forms.Form):
    guidelines = forms.CharField(
        max_length=20000,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Guidelines for annotators",
        help_text="Plain text, shown beside the review queue as written (line breaks kept).",
    )


class AssignForm(forms.Form):
    """A split of a story's links between some of its members (annotators and editors)."""

    annotators = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Annotators",
        error_messages={"required": "Choose at least one annotator."},
    )
    overlap = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=20,
        label="Labelled by two (%)",
        help_text="The share of the links given to two annotators, for agreement.",
    )
    scope = forms.ChoiceField(
        choices=SCOPES.items(), initial="open", widget=forms.RadioSelect, label="Links"
    )

    def __init__(self, *args, story, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(story=story, role__in=[Role.ANNOTATOR, Role.EDITOR])
        users = get_user_model().objects.filter(pk__in=members.values("user_id"), is_active=True)
        self.fields["annotators"].queryset = users.order_by("username")
        self.fields["annotators"].label_from_instance = lambda user: user.get_username()

    def clean(self):
        data = super().clean()
        chosen, overlap = data.get("annotators"), data.get("overlap")
        if chosen is not None and overlap and len(chosen) < 2:
            raise forms.ValidationError(
                "Links can be labelled by two only with two or more annotators: choose another "
                "annotator, or set the share labelled by two to 0.",
                code="overlap",
            )
        return data


class BlindReviewForm(forms.Form):
    """An editor's choice of the story's blind-review mode (Story.blind_review)."""

    mode = forms.ChoiceField(
        choices=BlindReview.choices, widget=forms.RadioSelect, label="Blind review"
    )
