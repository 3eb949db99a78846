"""Forms of the post pages: they parse input; the actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms

from hallway.core.permissions import Viewer
from hallway.posts.access import can_announce
from hallway.posts.models import Post

MAX_FILES_PER_POST = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_FILES_PER_POST:
            raise forms.ValidationError(f"Attach at most {MAX_FILES_PER_POST} files.")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class PostForm(forms.Form):
    """The composer. Praise goes to the people the body @mentions."""

    body = forms.CharField(label="What do you want to share?", max_length=20000)
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    kind = forms.ChoiceField(label="Kind", initial=Post.Kind.UPDATE)
    topics = forms.CharField(
        label="Topics (optional)",
        max_length=500,
        required=False,
        help_text="Comma-separated, in addition to the #topics in the text.",
    )
    poll_options = forms.CharField(
        label="Poll options",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
        help_text="For a poll: one option per line, 2 to 10.",
    )
    poll_multiple = forms.BooleanField(label="Allow several choices", required=False)
    poll_closes_at = forms.DateTimeField(
        label="Poll closes at (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    pinned_until = forms.DateTimeField(
        label="Pinned until (announcements)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    attachments = MultipleFileField(label="Attach files (optional)", required=False)

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [(value, label) for value, label in Post.Kind.choices]
        if not can_announce(viewer):
            kinds = [(v, label) for v, label in kinds if v != Post.Kind.ANNOUNCEMENT]
            del self.fields["pinned_until"]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]

    def topic_names(self) -> list[str]:
        raw = self.cleaned_data.get("topics") or ""
        return [name.strip() for name in raw.split(",") if name.strip()]

    def poll_option_texts(self) -> list[str]:
        raw = self.cleaned_data.get("poll_options") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]


def composer_form_for(viewer: Viewer, data: Any = None, files: Any = None) -> PostForm:
    """An empty (or bound) composer form for this viewer: announcement only for those
    allowed."""
    return PostForm(data, files, viewer=viewer)


class PostEditForm(forms.Form):
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    body = forms.CharField(label="Text", max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
