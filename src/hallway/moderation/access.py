"""Permission layer for moderation (DESIGN §5, ADR 0014).

- Reporting: anyone who can read a post or comment (callers resolve it through
  ``hallway.posts.access``), except its author.
- The queue: compliance officers see every report; group owners and moderators the reports
  about content in their groups; network admins every report, and decide those about content
  outside groups. A report's content text shows only to those who may read it
  (``can_read_reported_content``): an admin reads a private group's content through the
  break-glass page, never through the queue.
- Notices: each person their own.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.models import Membership
from hallway.moderation.models import Notice, Report
from hallway.posts.access import audience_for
from hallway.posts.models import Comment, Post


def _moderated_group_ids(viewer: Viewer) -> list[int]:
    roles = {Membership.Role.OWNER, Membership.Role.MODERATOR}
    return [gid for gid, role in viewer.active_memberships.items() if role in roles]


def can_report(viewer: Viewer, *, post: Post, comment: Comment | None = None) -> bool:
    """Someone who reads the content (resolved through the permission layer) and did not
    write it."""
    if viewer.user is None or not viewer.user.is_active:
        return False
    author_id = comment.author_id if comment is not None else post.author_id
    return author_id != viewer.user_id


def can_see_moderation_queue(viewer: Viewer) -> bool:
    if viewer.user is None or not viewer.user.is_active:
        return False
    if viewer.is_compliance_officer or viewer.is_network_admin:
        return True
    return bool(_moderated_group_ids(viewer))


def reports_visible_to(viewer: Viewer) -> QuerySet[Report]:
    """The reports this viewer's queue holds."""
    if not can_see_moderation_queue(viewer):
        return Report.objects.none()
    if viewer.is_compliance_officer or viewer.is_network_admin:
        return Report.objects.all()
    return Report.objects.filter(group_id__in=_moderated_group_ids(viewer))


def access_report_by_id(viewer: Viewer, report_id: int) -> Report:
    report = (
        reports_visible_to(viewer)
        .select_related("post", "post__group", "comment", "author")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound
    return report


def can_decide_report(viewer: Viewer, report: Report) -> bool:
    """Compliance officers; the owners and moderators of the content's group; network admins
    for content outside groups."""
    if viewer.user is None or not viewer.user.is_active:
        return False
    if viewer.is_compliance_officer:
        return True
    if report.group_id is not None:
        return report.group_id in _moderated_group_ids(viewer)
    return viewer.is_network_admin


def can_read_reported_content(viewer: Viewer, report: Report) -> bool:
    """May the queue show this report's text to the viewer? Deciders read it (hidden or
    not); others only when the container's label is theirs."""
    if can_decide_report(viewer, report):
        return True
    post = report.post
    return audience_for(group=post.group, company=post.company) in viewer.labels


def notices_visible_to(viewer: Viewer) -> QuerySet[Notice]:
    if viewer.user is None:
        return Notice.objects.none()
    return Notice.objects.filter(recipient=viewer.user)


def reports_filed_by(viewer: Viewer) -> QuerySet[Report]:
    """A person's own reports (their outcome, never who else reported)."""
    if viewer.user is None:
        return Report.objects.none()
    return Report.objects.filter(reporter=viewer.user)
