"""The CSV guide shows real output: each ```text block equals what the python block before it
printed (tests/test_docs.py runs the blocks; this checks the output shown beside them)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "csv.md"
BLOCK = re.compile(r"^```(python|text)\n(.*?)^```", re.S | re.M)


def test_every_output_block_of_the_csv_guide_is_what_its_code_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__guide__"}
    printed: str | None = None
    checked = 0
    for kind, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        if kind == "python":
            output = io.StringIO()
            with contextlib.redirect_stdout(output):
                exec(compile(body, str(GUIDE), "exec"), namespace)
            printed = output.getvalue()
        else:
            assert printed is not None, f"a text block without code before it:\n{body}"
            assert printed.rstrip("\n") == body.rstrip("\n")
            printed = None
            checked += 1
    assert checked >= 5
