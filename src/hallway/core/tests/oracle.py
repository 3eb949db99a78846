"""An independent oracle for who may see what (DESIGN §5), in plain Python.

It decides from the test's own description of a network (dataclasses below), never from the
ORM or the permission layer, so the property tests compare two independent answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PersonSpec:
    key: int
    kind: str  # member | guest
    company: int  # 0 = host, 1.. external
    state: str = "active"  # active | deactivated | invited
    admin: bool = False
    pk: int = 0


@dataclass
class GroupSpec:
    key: int
    visibility: str  # public | private | secret
    external: bool
    companies: frozenset[int]
    archived: bool = False
    pk: int = 0
    sensitivity: str = "general"  # general | internal | confidential | restricted


@dataclass
class MembershipSpec:
    person: int
    group: int
    state: str  # active | invited | requested
    role: str = "member"


@dataclass
class PostSpec:
    key: int
    author: int
    container: tuple[str, int]  # ("group", key) | ("network", 0) | ("company", company_no)
    deleted: bool = False
    pk: int = 0
    canary: str = ""
    hidden: bool = False  # hidden by a moderator (issue 6): its author alone reads it


@dataclass
class CommentSpec:
    key: int
    post: int
    author: int
    deleted: bool = False
    pk: int = 0
    canary: str = ""


@dataclass
class NetworkSpec:
    people: list[PersonSpec]
    groups: list[GroupSpec]
    memberships: list[MembershipSpec]
    posts: list[PostSpec]
    comments: list[CommentSpec]
    break_glass: set[tuple[int, int]] = field(default_factory=set)  # (admin key, group key)

    def membership(self, person: int, group: int) -> MembershipSpec | None:
        for m in self.memberships:
            if m.person == person and m.group == group:
                return m
        return None


class Oracle:
    def __init__(self, network: NetworkSpec) -> None:
        self.n = network
        self.people = {p.key: p for p in network.people}
        self.groups = {g.key: g for g in network.groups}
        self.posts = {p.key: p for p in network.posts}

    # --- groups --------------------------------------------------------------------------
    def can_see_group(self, viewer: PersonSpec, group: GroupSpec) -> bool:
        if viewer.state != "active":
            return False
        m = self.n.membership(viewer.key, group.key)
        in_or_invited = m is not None and m.state in {"active", "invited"}
        if viewer.kind == "guest":
            return in_or_invited and group.external and viewer.company in group.companies
        if viewer.admin:
            return True
        return group.visibility in {"public", "private"} or in_or_invited

    def can_read_group(self, viewer: PersonSpec, group: GroupSpec) -> bool:
        if viewer.state != "active":
            return False
        m = self.n.membership(viewer.key, group.key)
        active = m is not None and m.state == "active"
        if viewer.kind == "guest":
            return active and group.external and viewer.company in group.companies
        if group.visibility == "public" or active:
            return True
        return viewer.admin and (viewer.key, group.key) in self.n.break_glass

    # --- posts and comments ---------------------------------------------------------------
    def can_read_post(self, viewer: PersonSpec, post: PostSpec) -> bool:
        if viewer.state != "active" or post.deleted:
            return False
        if post.hidden:
            return viewer.key == post.author
        kind, key = post.container
        if kind == "group":
            return self.can_read_group(viewer, self.groups[key])
        return viewer.kind == "member"  # network stream and company internal sides

    def can_read_comment(self, viewer: PersonSpec, comment: CommentSpec) -> bool:
        return not comment.deleted and self.can_read_post(viewer, self.posts[comment.post])

    # --- people ---------------------------------------------------------------------------
    def can_list_person(self, viewer: PersonSpec, target: PersonSpec) -> bool:
        if viewer.state != "active" or target.state != "active":
            return False
        if viewer.kind == "member" or viewer.key == target.key:
            return True
        if viewer.company == target.company:
            return True
        return any(
            self.can_read_group(viewer, group)
            and (m := self.n.membership(target.key, group.key)) is not None
            and m.state == "active"
            for group in self.n.groups
        )

    # --- notifications (issue 4) --------------------------------------------------------------
    def can_see_notification(
        self,
        viewer: PersonSpec,
        *,
        post: PostSpec | None = None,
        comment: CommentSpec | None = None,
        group: GroupSpec | None = None,
    ) -> bool:
        """A notification shows (and counts) only while everything it points to is visible."""
        if viewer.state != "active":
            return False
        if post is not None and not self.can_read_post(viewer, post):
            return False
        if comment is not None and not self.can_read_comment(viewer, comment):
            return False
        return group is None or self.can_see_group(viewer, group)

    # --- outgoing webhooks (issue 7) ----------------------------------------------------------
    def can_manage_group(self, viewer: PersonSpec, group: GroupSpec) -> bool:
        if viewer.state != "active" or viewer.kind != "member":
            return False
        if viewer.admin:
            return True
        m = self.n.membership(viewer.key, group.key)
        return m is not None and m.state == "active" and m.role == "owner"

    def webhook_may_carry_post(
        self, owner: PersonSpec, post: PostSpec, scope: GroupSpec | None
    ) -> bool:
        """A hook owned by ``owner`` (network-wide when ``scope`` is None) sends this post."""
        if owner.state != "active" or owner.kind != "member":
            return False
        if scope is None:
            allowed = owner.admin
        else:
            allowed = (
                self.can_see_group(owner, scope)
                and self.can_manage_group(owner, scope)
                and post.container == ("group", scope.key)
            )
        return allowed and self.can_read_post(owner, post)

    def webhook_text_allowed(self, post: PostSpec, *, include_confidential: bool) -> bool:
        kind, key = post.container
        sensitive = kind == "group" and self.groups[key].sensitivity in {
            "confidential",
            "restricted",
        }
        return include_confidential or not sensitive
