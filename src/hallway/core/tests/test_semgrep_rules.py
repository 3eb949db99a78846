"""The permission-layer semgrep rules catch direct queries and pass on the real code."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
SAMPLES = ROOT / ".semgrep" / "samples"
RULES = ROOT / ".semgrep" / "permission-layer.yml"
SEMGREP = shutil.which("semgrep") or str(Path(sys.executable).parent / "semgrep")


def _scan(target: Path) -> list[dict]:
    result = subprocess.run(
        [
            SEMGREP,
            "scan",
            "--metrics=off",
            "--disable-version-check",
            "--json",
            "--quiet",
            "--config",
            str(RULES),
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"},
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["results"]


@pytest.mark.skipif(not Path(SEMGREP).exists(), reason="semgrep is not installed")
def test_rules_flag_direct_queries_in_views():
    findings = _scan(SAMPLES)
    lines = sorted(f["start"]["line"] for f in findings)
    assert lines == [8, 9]
