"""Who manages the label rules: network admins and compliance officers (members)."""

from __future__ import annotations

from hallway.core.permissions import Viewer


def can_manage_label_rules(viewer: Viewer) -> bool:
    return viewer.is_member and (viewer.is_network_admin or viewer.is_compliance_officer)
