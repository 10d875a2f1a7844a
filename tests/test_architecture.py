"""The import directions of docs/architecture.md, as import-linter contracts (pyproject.toml,
[tool.importlinter]): run by the test suite, so `make test` and CI fail on a violating import."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    broken = [line for line in result.stdout.splitlines() if line.endswith(" BROKEN")]
    assert (result.returncode, broken) == (0, []), result.stdout[-3000:] + result.stderr[-2000:]
