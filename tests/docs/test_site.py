"""The documentation: the MkDocs site (mkdocs.yml) built with `--strict`, holding the spec as it is
and its rendered API reference. (README.md is read by people only: no test parses it.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.launcher import REPO_ROOT

DOCS = REPO_ROOT / "docs"


def test_the_bench_writes_between_its_markers() -> None:
    """`make bench` (bench/report.py, `write_docs`) replaces what lies between them."""
    text = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    assert text.count(start) == text.count(end) == 1
    assert text.index(start) < text.index(end)


def test_the_site_builds_strict_with_the_spec_and_its_reference(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for spec in ("openapi.yaml", "openapi-admin.yaml"):
        assert (DOCS / spec).resolve() == (REPO_ROOT / spec).resolve()  # one file, linked
        assert (site / spec).read_bytes() == (REPO_ROOT / spec).read_bytes()
    reference = site / "api-reference"
    page = (reference / "index.html").read_text(encoding="utf-8")
    frames = re.findall(r'<iframe [^>]*src="(swagger-[0-9a-f]+\.html)"', page)
    urls = set()
    for frame in frames:
        found = re.search(r'var url = "([^"]+)"', (reference / frame).read_text(encoding="utf-8"))
        assert found, frame
        urls.add(found[1])
    assert urls == {"../openapi.yaml", "../openapi-admin.yaml"}
    assert (site / "assets" / "javascripts" / "swagger-ui-bundle.js").is_file()  # no CDN
