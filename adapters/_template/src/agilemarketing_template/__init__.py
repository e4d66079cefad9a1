"""Template adapter for agilemarketing: a board kept in a JSON file.

Copy this distribution to start an adapter for a new tool; the JSON file stands in for the
tool's API. See README.md and the "Writing an adapter" guide.
"""

from agilemarketing_template.adapter import TemplateAdapter, save_board
from agilemarketing_template.errors import BoardFileError

__all__ = ["BoardFileError", "TemplateAdapter", "save_board"]
