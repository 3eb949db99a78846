"""``/tokens``: my personal access tokens. The secret is shown once, when created."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from hallway.accounts.actions import do_create_api_token, do_revoke_api_token
from hallway.accounts.selectors import access_own_api_token_by_id, own_api_tokens
from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, page_by_newest
from hallway.api.schemas import Id, TokenCreatedOut, TokenIn, TokenPage, responses
from hallway.api.serializers import token_json

router = Router(tags=["tokens"], exclude_unset=True)


@router.get("/tokens", response=responses({200: TokenPage}), summary="My API tokens")
def list_tokens(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Your live tokens, newest first: names and prefixes, never the secret."""
    rows, next_cursor = page_by_newest(own_api_tokens(api_viewer(request)), params)
    return {"results": [token_json(token) for token in rows], "next": next_cursor}


@router.post("/tokens", response=responses({201: TokenCreatedOut}), summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """A new token for you. Copy ``token`` now: Hallway stores only its hash."""
    user = api_viewer(request).user
    assert user is not None
    token, raw = do_create_api_token(user=user, name=payload.name)
    return Status(201, {**token_json(token), "token": raw})


@router.delete("/tokens/{token_id}", response=responses({204: None}), summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: Id) -> Status[None]:
    """Revoke one of your tokens; it stops working at once. Others' tokens answer 404."""
    viewer = api_viewer(request)
    assert viewer.user is not None
    token = access_own_api_token_by_id(viewer, token_id)
    do_revoke_api_token(actor=viewer.user, token=token)
    return Status(204, None)
