"""The bundled example board: a year of a simulated marketing team, shipped inside the package.

Its two files (``history.jsonl``, the board's history; ``workflow.toml``, its workflow) are
what ``examples/board/`` holds in the repository; a wheel carries them as package data, so a
quick start works outside the repository (``agilemarketing example board ./board``).

>>> sorted(path.name for path in example_board_files())
['history.jsonl', 'workflow.toml']
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     [path.name for path in write_example_board(Path(tmp) / "board")]
['history.jsonl', 'workflow.toml']
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

from agilemarketing.errors import ExampleBoardError

__all__ = ["EXAMPLE_FILES", "ExampleBoardError", "example_board_files", "write_example_board"]

#: The files of the example board, in the order they are written.
EXAMPLE_FILES: Final = ("history.jsonl", "workflow.toml")

_PACKAGED: Final = "_example_board"  # the wheel's copy (pyproject: force-include)


def _board_directory() -> Traversable:
    packaged = resources.files("agilemarketing") / _PACKAGED
    if packaged.is_dir():
        return packaged
    # an editable install (the repository checkout): the files live in examples/board/
    checkout = Path(__file__).resolve().parents[2] / "examples" / "board"
    if checkout.is_dir():
        return checkout
    raise ExampleBoardError(  # pragma: no cover - only a broken installation
        "the example board is missing from this installation",
        where=f"package agilemarketing ({Path(__file__).parent})",
        fix="reinstall agilemarketing: pip install --force-reinstall agilemarketing",
    )


def example_board_files() -> tuple[Traversable, ...]:
    """The example board's files (:data:`EXAMPLE_FILES`), readable with ``read_bytes()``.

    In a regular installation they are paths on disk: ``FlowLog.build(files[0], ...)`` and
    ``Workflow.from_toml(files[1])`` read them directly.

    Raises:
        ExampleBoardError: the installation has lost the files.
    """
    directory = _board_directory()
    return tuple(directory / name for name in EXAMPLE_FILES)


def write_example_board(
    directory: str | os.PathLike[str], *, overwrite: bool = False
) -> tuple[Path, ...]:
    """Copy the example board into ``directory`` (created if missing); the paths written.

    Nothing is written when a file of the board is already there, unless ``overwrite``.

    Raises:
        ExampleBoardError: ``directory`` is a file, or already holds a file of the board.
    """
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise ExampleBoardError(
            "this is a file, not a directory",
            where=f"example board output {str(out)!r}",
            fix="name a directory (it is created if missing)",
        )
    targets = tuple(out / name for name in EXAMPLE_FILES)
    present = [t.name for t in targets if t.exists()]
    if present and not overwrite:
        raise ExampleBoardError(
            f"it already holds {', '.join(present)}",
            where=f"example board output {str(out)!r}",
            fix="choose another directory, or pass --force to replace those files",
        )
    sources = example_board_files()
    out.mkdir(parents=True, exist_ok=True)
    for source, target in zip(sources, targets, strict=True):
        target.write_bytes(source.read_bytes())
    return targets
