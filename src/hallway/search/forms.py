"""The search page's filters. Every target (group, author, company, topic) is looked up
through the permission layer: one the viewer cannot see is an error like a missing one."""

from __future__ import annotations

from typing import Any

from django import forms

from hallway.companies.access import access_company_by_id
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.access import access_group_by_id
from hallway.profiles.access import access_person_by_id, access_topic_by_slug
from hallway.search.selectors import SearchFilters

TYPE_CHOICES = [
    ("all", "Everything"),
    ("people", "People"),
    ("posts", "Posts"),
    ("questions", "Questions"),
    ("comments", "Comments"),
    ("files", "Files"),
    ("groups", "Groups"),
    ("topics", "Topics"),
    ("companies", "Companies"),
]
ANSWERED_CHOICES = [("", "Any"), ("yes", "Answered"), ("no", "Not answered")]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    type = forms.ChoiceField(label="Type", choices=TYPE_CHOICES, required=False)
    group = forms.IntegerField(
        label="Group id", required=False, min_value=1, widget=forms.HiddenInput
    )
    author = forms.IntegerField(
        label="Author id", required=False, min_value=1, widget=forms.HiddenInput
    )
    company = forms.IntegerField(
        label="Company id", required=False, min_value=1, widget=forms.HiddenInput
    )
    topic = forms.SlugField(label="Topic", required=False, max_length=100)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    answered = forms.ChoiceField(label="Questions", choices=ANSWERED_CHOICES, required=False)

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.targets: dict[str, Any] = {}

    def _target(self, name: str, lookup: Any) -> Any:
        value = self.cleaned_data.get(name)
        if value in (None, ""):
            return None
        try:
            found = lookup(self.viewer, value)
        except NotFound as exc:
            raise forms.ValidationError(f"No such {name}.") from exc
        self.targets[name] = found
        return value

    def clean_group(self) -> Any:
        return self._target("group", access_group_by_id)

    def clean_author(self) -> Any:
        return self._target("author", access_person_by_id)

    def clean_company(self) -> Any:
        return self._target("company", access_company_by_id)

    def clean_topic(self) -> Any:
        return self._target("topic", access_topic_by_slug)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        topic = self.targets.get("topic")
        return SearchFilters(
            q=(data.get("q") or "").strip(),
            type=data.get("type") or "all",
            group_id=data.get("group"),
            author_id=data.get("author"),
            company_id=data.get("company"),
            topic_id=topic.pk if topic is not None else None,
            created_from=data.get("start"),
            created_to=data.get("end"),
            answered={"yes": True, "no": False}.get(data.get("answered") or ""),
        )
