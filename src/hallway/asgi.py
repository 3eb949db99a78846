"""ASGI entry point: ``hallway run`` serves this with uvicorn (ADR 0006).

Only the live event stream (``/events/``) goes through Django's async handler: it holds
thousands of idle connections on one event loop. Every other request goes to the ordinary
WSGI application on one thread per process, the same model as a sync gunicorn worker, so
pages keep their persistent database connection and pay no per-request thread (measured in
bench/RESULTS.md: Django's ASGI handler for everything cost about a third of the throughput).
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")

from asgiref.wsgi import WsgiToAsgi
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

STREAM_PATHS = frozenset({"/events/"})

django_asgi = get_asgi_application()
django_wsgi = WsgiToAsgi(get_wsgi_application())


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope.get("path") not in STREAM_PATHS:
        await django_wsgi(scope, receive, send)
    else:
        await django_asgi(scope, receive, send)
