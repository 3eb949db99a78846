"""Forms for the people pages: they parse input; the actions validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from hallway.accounts.models import User
from hallway.companies.access import companies_visible_to
from hallway.core.permissions import Viewer
from hallway.profiles.access import (
    locations_visible_to,
    people_visible_to,
    teams_visible_to,
    topics_visible_to,
)
from hallway.profiles.models import Profile
from hallway.profiles.selectors import DirectoryFilters

# A select with more options than this is useless and slow to render; the rest of the
# vocabulary stays reachable through topic links and search.
MAX_SKILL_OPTIONS = 500

FIELD_LABELS = {
    "title": "Title",
    "team": "Team",
    "location": "Location",
    "manager": "Manager",
    "skills": "Skills",
    "ask_me_about": "Ask me about",
    "working_on": "Working on",
    "bio": "Bio",
    "languages": "Languages",
    "phone": "Phone",
    "contact_email": "Contact email",
}


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search people", required=False, max_length=200)
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Team", required=False, empty_label="Any team"
    )
    location: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Location", required=False, empty_label="Any location"
    )
    skill = forms.ChoiceField(label="Skill", required=False)
    company: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Company", required=False, empty_label="Any company"
    )

    def __init__(self, *args: Any, viewer: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        team_field = self.fields["team"]
        location_field = self.fields["location"]
        company_field = self.fields["company"]
        assert isinstance(team_field, forms.ModelChoiceField)
        assert isinstance(location_field, forms.ModelChoiceField)
        assert isinstance(company_field, forms.ModelChoiceField)
        team_field.queryset = teams_visible_to(viewer).order_by("name")
        location_field.queryset = locations_visible_to(viewer).order_by("name")
        company_field.queryset = companies_visible_to(viewer).order_by("name")
        if not viewer.is_member:
            # The team tree is internal; guests never get the filter.
            del self.fields["team"]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "Name, title or skill", "autocomplete": "off"}
        )
        selected = (self.data.get("skill") or "").strip() if self.is_bound else ""
        self.fields["skill"].choices = self._skill_choices(selected)  # type: ignore[attr-defined]

    def _skill_choices(self, selected: str) -> list[tuple[str, str]]:
        topics = topics_visible_to(self.viewer).order_by("name")
        if selected:
            topics = topics.filter(
                Q(pk__in=topics.values("pk")[:MAX_SKILL_OPTIONS]) | Q(slug=selected)
            )
        else:
            topics = topics[:MAX_SKILL_OPTIONS]
        return [("", "Any skill")] + [(t.slug, t.name) for t in topics]

    def filters(self) -> DirectoryFilters:
        data = self.cleaned_data
        team = data.get("team")
        location = data.get("location")
        company = data.get("company")
        return DirectoryFilters(
            q=(data.get("q") or "").strip(),
            team_id=team.pk if team else None,
            location_id=location.pk if location else None,
            skill_slug=data.get("skill") or None,
            company_id=company.pk if company else None,
        )

    @property
    def active_filter_count(self) -> int:
        if not hasattr(self, "cleaned_data"):
            return 0
        return sum(
            1 for key in ("team", "location", "skill", "company") if self.cleaned_data.get(key)
        )


class ProfileForm(forms.Form):
    """The profile editor. Guests edit neither team nor manager (the tree is internal)."""

    name = forms.CharField(label="Name", max_length=150)
    title = forms.CharField(label="Title", required=False, max_length=150)
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Team", required=False, empty_label="No team"
    )
    location: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Location", required=False, empty_label="No location"
    )
    manager = forms.CharField(
        label="Manager",
        required=False,
        max_length=254,
        help_text="Type a name and pick a person, or enter their email address.",
    )
    skills = forms.CharField(
        label="Skills", required=False, max_length=2000, help_text="Separate skills with commas."
    )
    ask_me_about = forms.CharField(label="Ask me about", required=False, max_length=300)
    working_on = forms.CharField(label="Working on", required=False, max_length=300)
    bio = forms.CharField(
        label="Bio", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    languages = forms.CharField(label="Languages", required=False, max_length=200)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    contact_email = forms.EmailField(label="Contact email", required=False)

    def __init__(self, *args: Any, viewer: Viewer, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.profile = profile
        self.editing_member = profile.user.is_member
        team_field = self.fields["team"]
        location_field = self.fields["location"]
        assert isinstance(team_field, forms.ModelChoiceField)
        assert isinstance(location_field, forms.ModelChoiceField)
        team_field.queryset = teams_visible_to(viewer).order_by("name")
        location_field.queryset = locations_visible_to(viewer).order_by("name")
        if not (self.editing_member and viewer.is_member):
            del self.fields["team"]
            del self.fields["manager"]
        else:
            self.fields["manager"].widget.attrs.update(
                {"autocomplete": "off", "list": "manager-options"}
            )
        self.fields["phone"].widget.attrs.update({"type": "tel", "autocomplete": "tel"})
        for name in Profile.FIELDS_WITH_VISIBILITY:
            if name not in self.fields:
                continue
            self.fields[f"guest_{name}"] = forms.BooleanField(
                label=f"Show {FIELD_LABELS[name].lower()} to guests", required=False
            )
        if not self.is_bound:
            self.initial.update(self._initial_from(profile))

    @staticmethod
    def _initial_from(profile: Profile) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": profile.user.name,
            "title": profile.title,
            "team": profile.team_id,
            "location": profile.location_id,
            "manager": profile.manager.email if profile.manager_id and profile.manager else "",
            "skills": ", ".join(t.name for t in profile.skills.all()) if profile.pk else "",
            "ask_me_about": profile.ask_me_about,
            "working_on": profile.working_on,
            "bio": profile.bio,
            "languages": profile.languages,
            "phone": profile.phone,
            "contact_email": profile.contact_email,
        }
        for name in Profile.FIELDS_WITH_VISIBILITY:
            initial[f"guest_{name}"] = name in (profile.guest_visible_fields or [])
        return initial

    def clean_manager(self) -> User | None:
        value = (self.cleaned_data.get("manager") or "").strip()
        if not value:
            return None
        people = people_visible_to(self.viewer).filter(kind=User.Kind.MEMBER)
        by_email = people.filter(email__iexact=value).first()
        if by_email is not None:
            return by_email
        by_name = list(people.filter(name__iexact=value)[:2])
        if len(by_name) == 1:
            return by_name[0]
        if by_name:
            raise forms.ValidationError(
                "Several people have that name; enter your manager's email address."
            )
        raise forms.ValidationError("No one with that name or email address.")

    def changes(self) -> dict[str, Any]:
        """The cleaned data in the shape ``do_update_profile`` takes."""
        data = self.cleaned_data
        changes: dict[str, Any] = {
            key: data[key]
            for key in (
                "name",
                "title",
                "location",
                "ask_me_about",
                "working_on",
                "bio",
                "languages",
                "phone",
                "contact_email",
            )
        }
        if "team" in self.fields:
            changes["team"] = data["team"]
            changes["manager"] = data["manager"]
        changes["skills"] = [s.strip() for s in (data.get("skills") or "").split(",") if s.strip()]
        kept_hidden = [
            name
            for name in (self.profile.guest_visible_fields or [])
            if f"guest_{name}" not in self.fields and name in Profile.FIELDS_WITH_VISIBILITY
        ]
        changes["guest_visible_fields"] = kept_hidden + [
            name for name in Profile.FIELDS_WITH_VISIBILITY if data.get(f"guest_{name}")
        ]
        return changes

    def field_rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """Each profile field with its "show to guests" checkbox, in display order."""
        rows = []
        for name in ("name", *Profile.FIELDS_WITH_VISIBILITY):
            if name in self.fields:
                guest = self[f"guest_{name}"] if f"guest_{name}" in self.fields else None
                rows.append((self[name], guest))
        return rows


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo",
        help_text="JPEG, PNG, WebP or GIF, at most 5 MB.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
