"""The built distributions, installed in clean virtual environments: what a pip user gets.

The wheel holds ``py.typed`` and the example board; the sdist holds neither ``.tools/`` (the
bootstrap uv) nor ``.venv/``. Each extra set, installed from the built wheel into its own
environment, runs ``agilemarketing example board`` and either writes a report (``[report]``)
or stops at once naming ``pip install 'agilemarketing[report]'`` (the core alone, ``[charts]``
alone). Needs ``uv`` (on PATH or the bootstrap ``.tools/bin/uv``); offline from uv's cache when
it can be.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UV = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
pytestmark = pytest.mark.skipif(not Path(UV).exists(), reason="uv is not installed")
TIMEOUT = 300  # seconds for any one uv or agilemarketing call


def _uv(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run uv offline first (from its cache), then online if the cache lacks something."""
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    argv = [UV, *map(str, args)]
    done = subprocess.run(
        [*argv, "--offline"], capture_output=True, text=True, env=env, timeout=TIMEOUT
    )
    if done.returncode:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _uv("build", "--package", "agilemarketing", "--out-dir", out, "--directory", ROOT)
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("agilemarketing-*.whl")
    return wheel


def test_the_wheel_holds_py_typed_and_the_example_board(dist: Path) -> None:
    names = set(zipfile.ZipFile(_wheel(dist)).namelist())
    assert "agilemarketing/py.typed" in names
    assert "agilemarketing/_example_board/history.jsonl" in names
    assert "agilemarketing/_example_board/workflow.toml" in names
    assert not [n for n in names if n.startswith((".tools/", ".venv/"))]


def test_the_sdist_holds_the_example_board_and_no_bootstrap_tools(dist: Path) -> None:
    (sdist,) = dist.glob("agilemarketing-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [n.split("/", 1)[1] for n in archive.getnames() if "/" in n]
    assert "examples/board/history.jsonl" in names
    assert "src/agilemarketing/py.typed" in names
    assert not [n for n in names if n.startswith((".tools", ".venv", "demo-output"))]


@pytest.mark.parametrize(
    ("extras", "reports"),
    [("", False), ("[charts]", False), ("[report]", True)],
    ids=["core", "charts", "report"],
)
def test_each_extra_set_from_the_wheel_writes_a_report_or_names_the_extra(
    dist: Path, tmp_path: Path, extras: str, reports: bool
) -> None:
    venv = tmp_path / "venv"
    _uv("venv", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _uv("pip", "install", "--python", python, f"{_wheel(dist)}{extras}")
    cli = venv / "bin" / "agilemarketing"

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [cli, *map(str, args)], capture_output=True, text=True, cwd=tmp_path, timeout=TIMEOUT
        )

    wrote = run("example", "board", "board")
    assert wrote.returncode == 0, wrote.stderr
    report = run(
        "report", "board/history.jsonl", "--workflow", "board/workflow.toml", "--out", "out"
    )
    if reports:
        assert report.returncode == 0, report.stderr
        assert (tmp_path / "out" / "report.html").is_file()
    else:
        assert report.returncode == 2, report.stderr
        assert "pip install 'agilemarketing[report]'" in report.stderr
        assert "Traceback" not in report.stderr
