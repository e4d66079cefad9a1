"""Drawing the report's charts as PNG: one after the other, or in worker processes.

Most of a report's time at 20,000 items went into drawing its charts (about 0.15 s each, text
layout and rasterising), one after the other on one core. :func:`draw_charts` draws them in
forked worker processes, one chart at a time each, when that is safe, and one after the other
otherwise. A worker is a copy of this process made after the metrics were computed and the
fonts set up, and each chart is drawn on a new figure of its own, so a chart's PNG bytes are
the same whichever process drew it and in whichever order.

Serial, never forked, when any of these holds:

- the platform cannot ``fork`` (Windows; macOS's default start method is spawn, but fork is
  used where it exists);
- this process is itself a worker (of ours or of any :mod:`multiprocessing` pool);
- another thread runs (forking a threaded process can deadlock);
- there is one chart, or one usable CPU, or ``AGILEMARKETING_CHART_WORKERS=1``;
- starting the workers fails, or a worker dies: the charts are then drawn here.

The variable ``AGILEMARKETING_CHART_WORKERS`` sets the number of workers (``1``: serial).
A chart that raises raises here, as it would when drawn serially.

>>> from agilemarketing.metrics import xmr
>>> pngs, warned = draw_charts({"xmr": (xmr([3, 4, 5]).plot, (4.0, 3.0))}, workers=1)
>>> pngs["xmr"][:4], warned
(b'\\x89PNG', [])
"""

from __future__ import annotations

import io
import multiprocessing
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple

from agilemarketing.forking import become_worker, can_fork, workers_from

__all__ = [
    "WORKERS_ENV",
    "Caught",
    "Drawing",
    "chart_workers",
    "draw_charts",
    "png",
    "start_charts",
]

WORKERS_ENV = "AGILEMARKETING_CHART_WORKERS"
"""The environment variable that sets how many worker processes draw charts (1: serial)."""

Chart = tuple[Callable[[Any], Any], tuple[float, float]]
"""What draws one chart (on the Axes it is given) and the figure's size in inches."""

_MAX_WORKERS = 4  # past a few, starting workers costs more than the charts they would share


class Caught(NamedTuple):
    """A warning raised while a chart was drawn, in a form that crosses processes."""

    category: type[Warning]
    message: str
    filename: str
    lineno: int


def png(draw: Callable[[Any], Any], size: tuple[float, float]) -> bytes:
    """One chart drawn by ``draw`` on a new backend-less figure of ``size`` inches, as PNG.

    The figure gets its own Agg canvas (not pyplot's), so the tight layout and the PNG share
    one renderer and its cache of text sizes, instead of a throw-away renderer each."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from agilemarketing.extras import figure

    fig = figure(size)
    FigureCanvasAgg(fig)
    draw(fig.add_subplot())
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _recorded(chart: Chart) -> tuple[bytes, list[Caught]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = png(*chart)
    return out, [Caught(w.category, str(w.message), w.filename, w.lineno) for w in caught]


# --- in worker processes --------------------------------------------------------------------------

_charts: list[Chart] = []  # what the workers draw, set before they are forked


def _draw_in_worker(index: int) -> tuple[bytes, list[Caught]]:
    return _recorded(_charts[index])


def chart_workers(charts: int, requested: int | None = None) -> int:
    """How many worker processes should draw ``charts`` charts: 1 means here, serially.

    ``requested`` (else :data:`WORKERS_ENV`, else one per usable CPU, at most 4) is lowered to
    1 wherever forking is unavailable or unsafe (see the module's description and
    :mod:`agilemarketing.forking`).

    >>> chart_workers(1, requested=2), chart_workers(18, requested=1)
    (1, 1)
    """
    if requested is None:
        wanted = workers_from(WORKERS_ENV, most=_MAX_WORKERS)
    else:
        wanted = requested if requested > 1 and can_fork() else 1
    return 1 if charts <= 1 else min(wanted, charts)


class Drawing:
    """Charts being drawn (:func:`start_charts`); :meth:`result` waits for them."""

    def __init__(self, charts: Mapping[str, Chart], workers: int | None = None) -> None:
        self.names: tuple[str, ...] = tuple(charts)
        """The charts' names, in the order :meth:`result` gives them."""
        self._jobs = [charts[name] for name in self.names]
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[tuple[bytes, list[Caught]]]] = []
        count = chart_workers(len(self._jobs), workers)
        if count > 1:
            self._start(count)

    def _start(self, count: int) -> None:
        global _charts
        # Imported and set up here, once, rather than in each worker.
        import matplotlib.backends.backend_agg
        import matplotlib.figure  # noqa: F401

        _charts = self._jobs
        try:
            self._pool = ProcessPoolExecutor(
                count, mp_context=multiprocessing.get_context("fork"), initializer=become_worker
            )
            self._futures = [self._pool.submit(_draw_in_worker, k) for k in range(len(self._jobs))]
        except (BrokenProcessPool, OSError):  # could not start them: draw here instead
            self._stop()
        finally:
            _charts = []

    def close(self) -> None:
        """Stop the workers (charts not drawn yet are dropped); safe to call again."""
        self._stop()

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool, self._futures = None, []

    def result(self) -> tuple[dict[str, bytes], list[Caught]]:
        """Every chart as PNG bytes, by name (in the order given), and the warnings raised
        while drawing them (in chart order)."""
        results: list[tuple[bytes, list[Caught]]] | None = None
        if self._futures:
            try:
                results = [future.result() for future in self._futures]
            except BrokenProcessPool:  # a worker died: draw them here
                results = None
            finally:
                self._stop()
        if results is None:
            results = [_recorded(job) for job in self._jobs]
        pngs = {name: out for name, (out, _) in zip(self.names, results, strict=True)}
        return pngs, [w for _, caught in results for w in caught]


def start_charts(charts: Mapping[str, Chart], *, workers: int | None = None) -> Drawing:
    """Start drawing ``charts`` in :func:`chart_workers` worker processes (when that is more
    than one), so that the caller can do other work meanwhile; ``.result()`` gives them."""
    return Drawing(charts, workers)


def draw_charts(
    charts: Mapping[str, Chart], *, workers: int | None = None
) -> tuple[dict[str, bytes], list[Caught]]:
    """Every chart as PNG bytes, by name (in the order given), and the warnings raised while
    drawing them (in chart order), drawn by :func:`chart_workers` processes."""
    return start_charts(charts, workers=workers).result()
