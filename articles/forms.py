import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.utils import timezone

from articles.models import (
    UNKNOWN_OUTLET,
    ImportFile,
    Membership,
    Outlet,
    Role,
    Story,
    _unique_slug,
)

# Django refuses a request with more files than DATA_UPLOAD_MAX_NUMBER_FILES (100 by default)
# before any view runs; this limit counts pasted text too, and stays within Django's.
MAX_FILES = 100
ACCEPT = ".txt,.html,.htm,.jsonl"


class StoryForm(forms.ModelForm):
    slug = forms.SlugField(
        required=False,
        max_length=100,
        help_text="Part of the story's web address. Left blank, it is made from the title.",
    )

    class Meta:
        model = Story
        fields = ["title", "slug", "description"]

    def clean_slug(self):
        title = self.cleaned_data.get("title", "")
        return self.cleaned_data["slug"] or _unique_slug(Story.objects, title)

    @transaction.atomic
    def save_for(self, user) -> Story:
        """The story, with the user who made it as its editor."""
        story = self.save()
        Membership.objects.create(story=story, user=user, role=Role.EDITOR)
        return story


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": ACCEPT})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        required=False,
        allow_empty_file=True,  # the importer reports empty files itself
        help_text=f"Up to {MAX_FILES} files: .txt, .html, .htm or .jsonl.",
    )
    outlet = forms.CharField(
        required=False,
        max_length=200,
        help_text="States the outlet of every article in this import. "
        "Leave blank to use what each text states.",
    )
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}), label="Text")
    text_title = forms.CharField(required=False, max_length=500, label="Title of the pasted text")
    text_outlet = forms.CharField(required=False, max_length=200, label="Outlet of the pasted text")

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.PARALLAX_IMPORT_MAX_BYTES
        too_big = [f.name for f in files if f.size > limit]
        if too_big:
            raise forms.ValidationError(
                f"Larger than the limit of {limit:,} bytes: {', '.join(too_big)}."
            )
        names = [f.name for f in files]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise forms.ValidationError(f"Two files have the same name: {', '.join(twice)}.")
        return files

    def clean(self):
        data = super().clean()
        count = len(data.get("files") or []) + bool(data.get("text"))
        if "files" in data and not count:
            raise forms.ValidationError("Choose files or paste some text to import.")
        if count > MAX_FILES:
            raise forms.ValidationError(
                f"That is {count} files; one import takes at most {MAX_FILES}. "
                "Import them in several goes."
            )
        return data

    def import_files(self) -> list[ImportFile]:
        """What the task will import, not yet saved."""
        data = self.cleaned_data
        files = [
            ImportFile(name=f.name, data=f.read(), outlet=data["outlet"]) for f in data["files"]
        ]
        if data["text"]:
            files.append(
                ImportFile(
                    name=f"pasted-{timezone.now():%Y%m%d-%H%M%S}.txt",
                    data=data["text"].encode(),
                    outlet=data["text_outlet"] or data["outlet"],
                    title=data["text_title"],
                )
            )
        return files


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ANNOTATOR)
    email = forms.EmailField(
        required=False,
        label="Email (optional)",
        help_text="Where to mail the link, when the server can send email. "
        "The link is shown here either way.",
    )
    days = forms.IntegerField(
        min_value=1, max_value=90, initial=7, label="Valid for (days)", help_text="1 to 90 days."
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignupForm(UserCreationForm):
    """An account: user name and password (Django's password validators), and an optional
    email address, without which the password cannot be reset by mail."""

    email = forms.EmailField(
        required=False, help_text="Optional; needed to reset a forgotten password by email."
    )

    class Meta(UserCreationForm.Meta):
        fields = ["username", "email"]


class ArticleDetailsForm(forms.Form):
    """What an editor fixes of an article: the outlet (one of the story's, or a new name),
    title, date and byline. `loaded` is what they were when the form was loaded."""

    outlet = forms.CharField(
        max_length=200,
        required=False,
        help_text="Choose one of the story's outlets or type a new name; blank for Unknown.",
        widget=forms.TextInput(attrs={"list": "story-outlets", "autocomplete": "off"}),
    )
    title = forms.CharField(max_length=500, required=False, help_text="Blank: untitled.")
    published = forms.DateField(
        required=False,
        label="Date published",
        help_text="YYYY-MM-DD. Weekdays in the claims (“Monday”) are read against it when "
        "the story is matched again.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    byline = forms.CharField(max_length=300, required=False)
    loaded = forms.CharField(widget=forms.HiddenInput, max_length=2000)

    def clean_outlet(self):
        return " ".join(self.cleaned_data["outlet"].split()) or UNKNOWN_OUTLET

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_byline(self):
        return " ".join(self.cleaned_data["byline"].split())


class OutletDetailsForm(forms.ModelForm):
    class Meta:
        model = Outlet
        fields = ["country", "ownership", "domain"]
        labels = {"domain": "Homepage"}
        help_texts = {"domain": "Its domain, such as cnn.com."}

    def clean_domain(self):
        domain = self.cleaned_data["domain"].strip().lower()
        domain = domain.removeprefix("https://").removeprefix("http://").removeprefix("www.")
        domain = domain.split("/")[0]
        if domain and not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", domain):
            raise forms.ValidationError("A domain, such as cnn.com.")
        return domain


class OutletMergeForm(forms.Form):
    """Two outlets that are one: this one goes, its articles move to `into`."""

    into = forms.ModelChoiceField(
        queryset=Outlet.objects.none(),
        label="Merge into",
        help_text="The outlet this one is the same as. Its articles, in every story, move "
        "there, and this outlet's name is kept in that one's notes.",
    )

    def __init__(self, *args, outlet: Outlet, story: Story, **kwargs):
        super().__init__(*args, **kwargs)
        others = Outlet.objects.filter(articles__story=story).exclude(pk=outlet.pk)
        self.fields["into"].queryset = others.exclude(name=UNKNOWN_OUTLET).distinct()
