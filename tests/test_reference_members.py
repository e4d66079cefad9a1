"""The reference pages of the split packages name their members in reading order: none is lost.

``docs/reference/{adapter,mirror,sync}.md`` list the members to render (mkdocstrings renders a
package's re-exported names in import order otherwise); a class or function added to a
package's ``__all__`` must be added to its page too.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "agilemarketing.adapter": "adapter.md",
    "agilemarketing.mirror": "mirror.md",
    "agilemarketing.sync": "sync.md",
}


def listed(page: str) -> list[str]:
    text = (ROOT / "docs" / "reference" / page).read_text(encoding="utf-8")
    return re.findall(r"^ +- (\w+)$", text.split("members:", 1)[1], re.M)


@pytest.mark.parametrize(("module", "page"), PAGES.items(), ids=PAGES.values())
def test_a_reference_page_lists_every_class_and_function_its_package_exports(
    module: str, page: str
) -> None:
    package = importlib.import_module(module)
    names = listed(page)
    assert len(names) == len(set(names)), f"docs/reference/{page} lists a member twice"
    assert set(names) <= set(package.__all__), f"docs/reference/{page} lists unknown names"
    exported = {
        name
        for name in package.__all__
        if inspect.isclass(getattr(package, name)) or inspect.isfunction(getattr(package, name))
    }
    missing = sorted(exported - set(names))
    assert not missing, f"docs/reference/{page} leaves out {missing}"
