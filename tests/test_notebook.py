"""The analyst's notebook ``examples/flow-analysis.ipynb`` runs from top to bottom, offline.

It is executed with nbclient on a real IPython kernel, as Jupyter would: every cell runs without
an error, the charts come out inline as PNG images, the result objects show their short HTML
summaries (never a dump of numpy arrays), and the committed file carries no outputs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "flow-analysis.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,  # seconds per cell
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("notebook"))}},
    )
    client.execute()
    return notebook


def _outputs(notebook: Any) -> list[dict[str, Any]]:
    return [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]


def test_every_cell_of_the_notebook_runs_without_an_error(executed: Any) -> None:
    errors = [out for out in _outputs(executed) if out.output_type == "error"]
    assert errors == []
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)


def test_the_notebook_draws_its_charts_inline(executed: Any) -> None:
    images = [out for out in _outputs(executed) if "image/png" in out.get("data", {})]
    assert len(images) >= 4  # cycle time, throughput, CFD, the forecast


def test_results_show_html_summaries_not_numpy_arrays(executed: Any) -> None:
    html = [out for out in _outputs(executed) if "text/html" in out.get("data", {})]
    assert len(html) >= 5
    text = "".join(
        str(value) for out in _outputs(executed) for value in out.get("data", {}).values()
    )
    assert "array(" not in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)


def test_the_committed_notebook_has_its_outputs_stripped() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
