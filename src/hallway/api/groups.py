"""API routes for groups."""

from ninja import Router

router = Router(tags=["groups"])
