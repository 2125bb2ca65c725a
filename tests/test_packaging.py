"""What `pip install carriyo-sandbox` ships: the sandbox, the contract suite (which
`carriyo-sandbox contract` runs from the installed package) and the data files, but none of the
sandbox's own tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.launcher import REPO_ROOT


def checkout_copy(target: Path) -> Path:
    """The files of the working tree that git tracks or would track, copied to `target` (no
    `build/` or `*.egg-info` left by earlier builds: what a fresh clone holds)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file() or source.is_symlink():  # the data/ links stay links, as git has them
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name, follow_symlinks=False)
    return target


def test_the_wheel_holds_no_sandbox_tests(tmp_path: Path) -> None:
    """Built as a user builds it (`pip wheel .`) from a copy of the checkout, without build
    isolation so that no package index is needed: setuptools and wheel come from the test
    environment."""
    source = checkout_copy(tmp_path / "checkout")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path / "dist"),
        ],
        check=True,
        timeout=300,
        cwd=tmp_path,
    )
    (wheel,) = (tmp_path / "dist").glob("carriyo_sandbox-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if name.endswith(".py")}
    assert packages == {"mock_server", "contract_tests"}, packages
    assert not [name for name in names if name.startswith(("tests/", "mock_server/tests/"))]
    assert "contract_tests/test_update_order.py" in names  # the installed suite stays whole
    assert "contract_tests/oracle/data/openapi.yaml" in names
    assert "mock_server/data/fixtures/sandbox.json" in names
