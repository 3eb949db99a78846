from __future__ import annotations

from django.db import models
from django.db.models import Q


class Company(models.Model):
    """The host company, or an external one (customer, partner, supplier) with guest users."""

    class Kind(models.TextChoices):
        HOST = "host", "Host company"
        CUSTOMER = "customer", "Customer"
        PARTNER = "partner", "Partner"
        SUPPLIER = "supplier", "Supplier"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email_domain = models.CharField(max_length=200, blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="host"), name="one_host_company"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_host(self) -> bool:
        return self.kind == self.Kind.HOST
