"""API routes for feed."""

from ninja import Router

router = Router(tags=["feed"])
