"""Permission layer for retention rules, legal holds and data exports (DESIGN §5).

Compliance officers and network admins read and set retention rules; legal holds are placed
and released by compliance officers only, and read by both.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.models import Group
from hallway.retention.models import DataExport, LegalHold


def can_manage_retention(viewer: Viewer) -> bool:
    """Active members who are compliance officers or network admins."""
    return viewer.is_member and (viewer.is_compliance_officer or viewer.is_network_admin)


def can_manage_holds(viewer: Viewer) -> bool:
    """Only compliance officers place and release legal holds."""
    return viewer.is_member and viewer.is_compliance_officer


def holds_visible_to(viewer: Viewer) -> QuerySet[LegalHold]:
    """Every hold (active first) for those who manage retention; nothing for anyone else."""
    if not can_manage_retention(viewer):
        return LegalHold.objects.none()
    return LegalHold.objects.select_related("group", "user", "created_by").order_by(
        F("released_at").desc(nulls_first=True), "-created_at", "-id"
    )


def access_hold_by_id(viewer: Viewer, hold_id: int) -> LegalHold:
    """One hold the viewer may see, else NotFound."""
    hold = holds_visible_to(viewer).filter(pk=hold_id).first()
    if hold is None:
        raise NotFound
    return hold


def access_hold_group_by_id(viewer: Viewer, group_id: int) -> Group:
    """Any group, secret ones included, for a compliance officer placing a hold (they must be
    able to hold a group they cannot read); NotFound for everyone else."""
    group = Group.objects.filter(pk=group_id).first() if can_manage_holds(viewer) else None
    if group is None:
        raise NotFound
    return group


def access_hold_group_by_slug(viewer: Viewer, slug: str) -> Group:
    """Like ``access_hold_group_by_id``, by the group's slug (the admin page's form)."""
    group = Group.objects.filter(slug=slug).first() if can_manage_holds(viewer) else None
    if group is None:
        raise NotFound
    return group


def access_hold_person_by_email(viewer: Viewer, email: str) -> User:
    """A person (active or deactivated) by email, for a compliance officer placing a hold."""
    person = (
        User.objects.filter(email__iexact=email.strip()).first()
        if can_manage_holds(viewer) and email.strip()
        else None
    )
    if person is None:
        raise NotFound
    return person


# --- exports ----------------------------------------------------------------------------------
def can_export_for_ediscovery(viewer: Viewer) -> bool:
    """Compliance officers (active members) export a group's or a person's content."""
    return viewer.is_member and viewer.is_compliance_officer


def exports_visible_to(viewer: Viewer) -> QuerySet[DataExport]:
    """A person's own exports: what they asked for, and nothing else (an eDiscovery export
    stays with the officer who made it, and only while they are one)."""
    if viewer.user is None or not viewer.user.is_active:
        return DataExport.objects.none()
    mine = DataExport.objects.filter(requested_by=viewer.user)
    if not can_export_for_ediscovery(viewer):
        mine = mine.filter(kind=DataExport.Kind.PERSONAL)
    return mine.select_related("subject_user", "subject_group")


def access_export_for_download(viewer: Viewer, export_id: int) -> DataExport:
    """A ready, unexpired export of the viewer's own; NotFound otherwise."""
    export = (
        exports_visible_to(viewer)
        .filter(pk=export_id, status=DataExport.Status.READY, expires_at__gt=timezone.now())
        .first()
    )
    if export is None:
        raise NotFound
    return export
