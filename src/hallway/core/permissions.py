"""The core of the one permission layer (DESIGN §5).

A ``Viewer`` is who is asking, with their permission labels computed once per request.
Every readable object stores its audience as one label; lists filter ``audience IN labels``
in the same SQL statement as the rest of the query. The per-domain modules
(``<app>/access.py``) build on this.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hallway.accounts.models import User

NETWORK_LABEL = "network"


def user_label(user_id: int) -> str:
    return f"user:{user_id}"


class Viewer:
    """Who is reading. Anonymous and deactivated viewers have no labels at all.

    The labels are computed on first use and then kept for the viewer's life (one request).
    """

    def __init__(self, user: User | None, labels: frozenset[str] | None = None) -> None:
        self.user = user
        if labels is not None:
            self.__dict__["labels"] = labels

    def __repr__(self) -> str:
        return f"Viewer({self.user_id})"

    @cached_property
    def labels(self) -> frozenset[str]:
        if self.user is None:
            return frozenset()
        return labels_for(self.user, memberships=self.active_memberships)

    @cached_property
    def active_memberships(self) -> dict[int, str]:
        """Group id → role of this person's active memberships: one query, then kept for
        the viewer's life like the labels (feeds and post cards read it too)."""
        if self.user is None or not self.user.is_active:
            return {}
        from hallway.groups.access import active_memberships_of

        return active_memberships_of(self.user)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_member(self) -> bool:
        return self.user is not None and self.user.is_member

    @property
    def is_guest(self) -> bool:
        return self.user is not None and self.user.is_guest

    @property
    def is_network_admin(self) -> bool:
        return self.user is not None and self.user.is_network_admin

    @property
    def is_compliance_officer(self) -> bool:
        return self.user is not None and self.user.is_compliance_officer


ANONYMOUS = Viewer(user=None, labels=frozenset())


def labels_for(user: User, *, memberships: dict[int, str] | None = None) -> frozenset[str]:
    """The audience labels a person may read (DESIGN §5). Deactivated: none.

    ``memberships`` (group id → role of the active ones) saves a query when known."""
    if not user.is_active:
        return frozenset()
    from hallway.groups.access import group_labels_for

    labels = {user_label(user.pk)}
    if user.is_member:
        # What every member reads and no guest does: the network stream, the companies'
        # internal sides and public groups without guests (ADR 0004).
        labels.add(NETWORK_LABEL)
    labels.update(group_labels_for(user, memberships=memberships))
    return frozenset(labels)


def viewer_for(user: Any) -> Viewer:
    """Build the viewer for a user (or AnonymousUser / None)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    return Viewer(user=user)


def request_viewer(request: Any) -> Viewer:
    """The viewer of a request, computed once and cached on it."""
    cached = getattr(request, "_hallway_viewer", None)
    if cached is None:
        cached = viewer_for(getattr(request, "user", None))
        request._hallway_viewer = cached
    return cached
