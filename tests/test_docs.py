"""The docs never lie: every ```python block in README.md and docs/ runs, file by file.

Blocks of one page share a namespace and run in order, as a reader would type them. A block
whose first line is ``# not-run`` is skipped (for shell-only or illustrative snippets).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_block_on_the_page_runs(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = [
        b for b in BLOCK.findall(page.read_text(encoding="utf-8")) if not b.startswith("# not-run")
    ]
    if not blocks:
        pytest.skip("no python examples on this page")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGILEMARKETING_DOCS_ROOT", str(ROOT))
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{page.name}[block {number}]", "exec")
        exec(code, namespace)
    assert os.getcwd() == str(tmp_path)
