"""Settings of the webhook benchmark: the normal settings, plus the loopback allowance that
lets the worker reach the benchmark's receiver on 127.0.0.1 (never set in production)."""

from hallway.settings import *  # noqa: F403

HALLWAY_WEBHOOKS_ALLOW_LOOPBACK = True
