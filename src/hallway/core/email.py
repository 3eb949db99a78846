"""Outgoing email: rendered in the request, sent by the task worker after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from hallway.core.tasks import enqueue, task


@task
def send_email_task(
    *, subject: str, to: list[str], text: str, html: str = "", headers: dict[str, str] | None = None
) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


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
    )
