"""What a group's sensitivity label allows, network-wide (ADR 0014). One row; each setting is
the loosest label that still gets the permission, and an admin may only tighten it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

SENSITIVITIES = ("general", "internal", "confidential", "restricted")
SENSITIVITY_CHOICES = [(s, s.capitalize()) for s in SENSITIVITIES]
NOBODY = "none"  # no label gets the permission
CHOICES_WITH_NONE = [(NOBODY, "No group"), *SENSITIVITY_CHOICES]

# The defaults are also the loosest values an admin may choose.
DEFAULTS = {
    "external_max": "confidential",  # restricted groups may not admit guests
    "guest_download_max": "internal",  # guests download no files of confidential groups
    "hints_max": "confidential",  # restricted groups never appear in search hints
}


class LabelRules(models.Model):
    external_max = models.CharField(
        max_length=12, choices=CHOICES_WITH_NONE, default=DEFAULTS["external_max"]
    )
    guest_download_max = models.CharField(
        max_length=12, choices=CHOICES_WITH_NONE, default=DEFAULTS["guest_download_max"]
    )
    hints_max = models.CharField(
        max_length=12, choices=CHOICES_WITH_NONE, default=DEFAULTS["hints_max"]
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="label_rules_singleton")]

    def __str__(self) -> str:
        return "label rules"

    @classmethod
    def load(cls) -> LabelRules:
        obj = cls.objects.filter(id=1).first()
        return obj if obj is not None else cls(id=1)
