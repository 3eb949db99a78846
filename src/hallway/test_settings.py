"""Settings for the test suite: the normal settings with fast hashing and eager tasks."""

import os
import tempfile

os.environ.setdefault("HALLWAY_TESTING", "1")
os.environ.setdefault("HALLWAY_DATA_DIR", tempfile.mkdtemp(prefix="hallway-test-"))
os.environ.setdefault("EMAIL_URL", "memory://")

from hallway.settings import *  # noqa: F403
