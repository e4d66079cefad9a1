"""The plugin module the ``agilemarketing`` entry point names: one hook implementation."""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.adapter import Adapter
from agilemarketing.hookspecs import hookimpl
from agilemarketing_template.adapter import TemplateAdapter


@hookimpl
def register_adapters() -> Sequence[type[Adapter]]:
    """Register the adapter so ``template:<path>`` URLs find it."""
    return [TemplateAdapter]
