"""A griffe extension for the API reference: the docstrings' Sphinx roles and doctests rendered.

The docstrings are written for readers of the source and for ``help()``: Sphinx roles
(``:class:`~agilemarketing.flow.FlowLog```) name other objects and ``>>>`` blocks are doctests
(run by the test suite). mkdocstrings renders neither: roles come out as raw text and a
doctest's ``>>>`` as three nested quotes. After griffe loads a package this extension rewrites
each docstring once:

- a role becomes a cross-reference to the object, resolved in the docstring's scope, shown as
  code (``FlowLog`` for ``~``, the name as written otherwise); one that does not resolve (an
  object the reference does not render) is still shown as code, without a link;
- a doctest outside an ``Examples:`` section (which mkdocstrings renders itself) becomes a
  ``pycon`` code block.

``mkdocs.yml`` names it under the python handler's ``extensions``.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|data|exc|obj|const):`(~?)([^`]+)`")
FENCE = re.compile(r"^\s*(```|~~~)")


def _resolve(obj: griffe.Object, target: str) -> str:
    """The full path ``target`` names in ``obj``'s scope (the target itself when unknown)."""
    if target.startswith(("agilemarketing", "builtins.")):
        return target
    head, _, rest = target.partition(".")
    try:
        path = obj.resolve(head)
    except (griffe.NameResolutionError, KeyError, AttributeError, ValueError):
        return target
    return f"{path}.{rest}" if rest else path


def roles_to_references(text: str, obj: griffe.Object) -> str:
    """Every Sphinx role of ``text`` as an optional autorefs cross-reference shown as code."""

    def replace(match: re.Match[str]) -> str:
        short, target = match.group(1) == "~", match.group(2).strip().lstrip(".")
        shown = target.rsplit(".", 1)[-1] if short else target
        identifier = html.escape(_resolve(obj, target), quote=True)
        code = f"<code>{html.escape(shown)}</code>"
        return f'<autoref identifier="{identifier}" optional>{code}</autoref>'

    return ROLE.sub(replace, text)


def doctests_to_code(text: str) -> str:
    """Each run of ``>>>`` lines (and their output, up to a blank line) at the left margin and
    outside a fence or an ``Examples:`` section, fenced as ``pycon``."""
    out: list[str] = []
    in_fence = in_doctest = False
    for line in text.split("\n"):
        if in_doctest and not line.strip():
            out.append("```")
            in_doctest = False
        if not in_doctest and FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and not in_doctest and line.startswith(">>>"):
            if out and out[-1].strip():
                out.append("")
            out.append("```pycon")
            in_doctest = True
        out.append(line)
    if in_doctest:
        out.append("```")
    return "\n".join(out)


def _rewrite(obj: griffe.Object) -> None:
    if obj.docstring is not None:
        obj.docstring.value = doctests_to_code(roles_to_references(obj.docstring.value, obj))
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            _rewrite(member)


class SphinxRoles(griffe.Extension):
    """Rewrite roles and doctests once a package is loaded (every name it can resolve is known)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        _rewrite(pkg)
