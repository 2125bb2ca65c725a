"""The shell examples the docs print, as a user would paste them: the first `sh` block after a
heading, pointed at another port, each curl failing on an HTTP error and bounded in time."""

from __future__ import annotations

from pathlib import Path

from tests.launcher import REPO_ROOT

README = REPO_ROOT / "README.md"
GETTING_STARTED = REPO_ROOT / "docs" / "getting-started.md"
FIRST_REQUESTS = "## One request per endpoint"
SANDBOX_ON_A_LAPTOP = "### A sandbox on a laptop or in CI"


def shell_block(page: Path, heading: str) -> str:
    """The first `sh` block after `heading` on `page`."""
    section = page.read_text(encoding="utf-8").split(heading, 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def runnable(block: str, port: int) -> str:
    """`block` against `127.0.0.1:port`, each `curl -s` failing on an HTTP error (lines that
    start the sandbox are left out: the test has started it)."""
    lines = [line for line in block.splitlines() if not line.startswith("carriyo-sandbox ")]
    return (
        "\n".join(lines)
        .replace("localhost:8080", f"127.0.0.1:{port}")
        .replace("curl -s ", "curl -sSf --max-time 30 ")
    )
