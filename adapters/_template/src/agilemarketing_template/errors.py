"""The template adapter's own errors: a board file it cannot read.

An adapter distribution owns its errors. Subclass :class:`agilemarketing.errors.SourceError`
(it names file, row and column where known), so the command line reports them as input errors
without knowing your adapter; add :class:`~agilemarketing.errors.InvalidValue` when the problem
is a value the user can fix. A copy of the template renames these after the tool
(``MyToolError``) and raises them for what the tool answers (an unknown project, a broken export).
"""

from __future__ import annotations

from agilemarketing.errors import InvalidValue, SourceError

__all__ = ["BoardFileError"]


class BoardFileError(SourceError, InvalidValue):
    """The board file is not one this adapter can read (not JSON, or not a board).

    Attributes:
        file: the board file's path.
    """
