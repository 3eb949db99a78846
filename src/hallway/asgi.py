"""ASGI entry point: ``hallway run`` serves this with uvicorn (ADR 0006).

Only the live event stream (``/events/``) goes through Django's async handler: it holds
thousands of idle connections on one event loop. Every other request goes to the ordinary
WSGI application, run on ONE dedicated thread per process, the same model as a sync gunicorn
worker: pages keep their persistent database connection and pay no per-request thread
(measured in bench/RESULTS.md: Django's ASGI handler for everything cost about a third of
the throughput).

The bridge is ours rather than asgiref's ``WsgiToAsgi``: that one sends the response from the
worker thread through ``AsyncToSync``, and under uvicorn every other request then failed with
"CurrentThreadExecutor already quit or is broken" (found by crawling a running demo). Here the
thread only puts the response's parts on a queue; the event loop sends them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")

from asgiref.wsgi import WsgiToAsgiInstance
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

STREAM_PATHS = frozenset({"/events/"})

django_asgi = get_asgi_application()
django_wsgi = get_wsgi_application()
_wsgi_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hallway-wsgi")

Put = Callable[[tuple[str, Any]], None]


def _run_wsgi(environ: dict[str, Any], put: Put) -> None:
    """On the WSGI thread: run the app, hand the status, headers and body chunks to ``put``."""
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started["status"] = int(status.split(" ", 1)[0])
        started["headers"] = [
            (name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers
        ]
        return lambda data: None  # the legacy write() callable: Django never uses it

    try:
        result: Iterable[bytes] = django_wsgi(environ, start_response)
        try:
            sent_start = False
            for chunk in result:
                if not sent_start:
                    put(("start", started))
                    sent_start = True
                if chunk:
                    put(("body", chunk))
            if not sent_start:
                put(("start", started))
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: Django returns the database connection here
    except BaseException as error:  # reported to the event loop below
        put(("error", error))
    finally:
        put(("end", None))


async def _serve_wsgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    with SpooledTemporaryFile(max_size=65536) as body:
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            body.write(message.get("body", b""))
            if not message.get("more_body"):
                break
        body.seek(0)
        instance = WsgiToAsgiInstance(django_wsgi)
        instance.scope = scope
        environ = instance.build_environ(scope, body)
        loop = asyncio.get_running_loop()
        parts: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def put(item: tuple[str, Any]) -> None:
            loop.call_soon_threadsafe(parts.put_nowait, item)

        done = loop.run_in_executor(_wsgi_thread, _run_wsgi, environ, put)
        response_started = False
        failure: BaseException | None = None
        while True:
            kind, value = await parts.get()
            if kind == "start":
                await send(
                    {
                        "type": "http.response.start",
                        "status": value["status"],
                        "headers": value["headers"],
                    }
                )
                response_started = True
            elif kind == "body":
                await send({"type": "http.response.body", "body": value, "more_body": True})
            elif kind == "error":
                failure = value
            else:
                break
        await done
        if failure is not None and not response_started:
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": b"Internal Server Error"})
        else:
            await send({"type": "http.response.body", "body": b""})
        if failure is not None:
            raise failure  # uvicorn logs it


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope.get("path") not in STREAM_PATHS:
        await _serve_wsgi(scope, receive, send)
    else:
        await django_asgi(scope, receive, send)
