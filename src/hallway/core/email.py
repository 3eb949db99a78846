"""Outgoing email: rendered in the request, sent by the task worker after commit.

With an ``idempotency_key`` a message is sent once even if its task runs again after a
worker was killed: the sent key is written in the transaction around the SMTP exchange
(``hallway.core.tasks.effect_once``). ``queue_personal_emails`` sends one message per
recipient, each under its own key, so a re-run sends only to those not yet served.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from hallway.core.tasks import effect_once, enqueue, task


def _message(
    *,
    subject: str,
    to: list[str],
    text: str,
    html: str,
    headers: dict[str, str] | None,
    connection: Any = None,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


@task
def send_email_task(
    *,
    subject: str,
    to: list[str],
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    effect_key: str | None = None,
) -> None:
    message = _message(subject=subject, to=to, text=text, html=html, headers=headers)
    if effect_key is None:
        message.send()
        return
    with effect_once(f"email:{effect_key}") as first:
        if first:
            message.send()


@task
def send_personal_emails_task(
    *,
    subject: str,
    recipients: list[str],
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    effect_key: str,
) -> None:
    """One message per recipient over one SMTP connection, each sent once per key."""
    with get_connection() as connection:
        for address in recipients:
            with effect_once(f"email:{effect_key}:{address.lower()}") as first:
                if first:
                    _message(
                        subject=subject,
                        to=[address],
                        text=text,
                        html=html,
                        headers=headers,
                        connection=connection,
                    ).send()


def queue_email(
    *,
    subject: str,
    to: list[str],
    text: str,
    html: str = "",
    idempotency_key: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    enqueue(
        send_email_task,
        idempotency_key=idempotency_key,
        subject=subject,
        to=to,
        text=text,
        html=html,
        headers=headers or {},
        effect_key=idempotency_key,
    )


def queue_personal_emails(
    *,
    subject: str,
    recipients: list[str],
    text: str,
    html: str = "",
    idempotency_key: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue the same message to each recipient separately (nobody sees the others)."""
    enqueue(
        send_personal_emails_task,
        idempotency_key=idempotency_key,
        subject=subject,
        recipients=recipients,
        text=text,
        html=html,
        headers=headers or {},
        effect_key=idempotency_key,
    )
