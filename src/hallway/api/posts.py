"""API routes for posts."""

from ninja import Router

router = Router(tags=["posts"])
