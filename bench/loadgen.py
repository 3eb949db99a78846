"""A bounded, threaded HTTP load generator for the benchmarks (feed and serving scenarios).

``drive`` calls ``get(token)`` from ``threads`` threads until ``seconds`` have passed,
round-robin over the tokens, and returns the sorted latencies, the error count and the
elapsed time; ``load_summary`` turns that into the numbers RESULTS.md shows.
"""

from __future__ import annotations

import statistics
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class LoadRun:
    latencies_ms: list[float]
    errors: int
    seconds: float
    threads: int


def feed_getter(base: str) -> Callable[[str], float]:
    """``get(token)``: one ``GET /api/v1/feed?limit=20`` with a Bearer token; milliseconds."""

    def get(token: str) -> float:
        request = urllib.request.Request(  # noqa: S310
            f"{base}/api/v1/feed?limit=20", headers={"Authorization": token}
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
            assert response.status == 200
        return (time.perf_counter() - started) * 1000

    return get


def drive(
    get: Callable[[str], float], tokens: list[str], *, seconds: float, threads: int
) -> LoadRun:
    for token in tokens * 2:  # warm every worker
        get(token)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            try:
                elapsed = get(tokens[i % len(tokens)])
                with lock:
                    latencies.append(elapsed)
            except Exception:
                with lock:
                    errors[0] += 1
            i += 1

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 15)
    return LoadRun(sorted(latencies), errors[0], time.monotonic() - began, threads)


def load_summary(run: LoadRun) -> dict[str, Any]:
    latencies = run.latencies_ms
    return {
        "seconds": round(run.seconds, 1),
        "threads": run.threads,
        "requests": len(latencies),
        "errors": run.errors,
        "requests_per_second": round(len(latencies) / run.seconds, 1) if run.seconds else None,
        "client_p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "client_p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 2)
        if latencies
        else None,
    }
