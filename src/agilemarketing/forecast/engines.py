"""The two forecast engines and how their distributions are read.

- **exact**: the daily throughput distribution (:func:`daily_pmf`) convolved day by day
  (:func:`exact_done_cdf`, for *when*) or raised to a power of days by repeated squaring
  (:func:`exact_sum_pmf`, for *how many*); no sampling noise.
- **Monte Carlo**: futures drawn day by day, vectorised over trials in memory-bounded chunks
  (:func:`mc_first_passage`, for *when*; :func:`mc_totals`, for *how many*), optionally
  resampling whole blocks of days.

:func:`days_at` and :func:`at_least` read a percentile off either kind of distribution.

>>> pmf = daily_pmf(np.array([0, 1, 1, 2]))
>>> pmf.tolist(), exact_sum_pmf(pmf, 2).round(4).tolist()
([0.25, 0.5, 0.25], [0.0625, 0.25, 0.375, 0.25, 0.0625])
>>> days_at(np.array([0.0, 0.5, 0.5]), 0.85), at_least(np.array([0.1, 0.2, 0.7]), 0.85)
(2, 1)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EPS",
    "at_least",
    "daily_pmf",
    "days_at",
    "exact_done_cdf",
    "exact_sum_pmf",
    "mc_first_passage",
    "mc_totals",
]

EPS = 1e-12
"""Probabilities this close to a confidence level count as reaching it."""
_CHUNK_CELLS = 2_000_000  # trials x days cells per simulated chunk (bounds memory)

# --- Exact ----------------------------------------------------------------------------------------


def daily_pmf(counts: NDArray[np.int64]) -> NDArray[np.float64]:
    """Empirical distribution of daily throughput over 0..max."""
    return np.bincount(counts).astype(np.float64) / counts.size


def exact_done_cdf(
    pmf: NDArray[np.float64], targets: NDArray[np.int64], max_days: int
) -> NDArray[np.float64]:
    """P(at least target_j items done within k days), shape (targets, K + 1) for k = 0..K.

    The distribution of the running total is convolved with the daily pmf once per day and
    truncated at the largest target (the mass at or above it is absorbed in the last bin).
    K stops early once every target is done with probability 1 - 1e-12.
    """
    cap = int(targets.max())
    dist = np.zeros(cap + 1)
    dist[0] = 1.0
    rows = [_survival_at(dist, targets)]
    for _ in range(max_days):
        moved = _convolve(dist[:cap], pmf)
        new = np.zeros(cap + 1)
        new[:cap] = moved[:cap]
        new[cap] = dist[cap] + moved[cap:].sum()
        dist = new
        rows.append(_survival_at(dist, targets))
        if rows[-1].min() >= 1.0 - EPS:
            break
    return np.minimum(np.array(rows).T, 1.0)


def _survival_at(dist: NDArray[np.float64], targets: NDArray[np.int64]) -> NDArray[np.float64]:
    tail = np.cumsum(dist[::-1])[::-1]  # tail[x] = P(S >= x)
    return tail[targets]


def _convolve(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Convolution of two distributions: direct for small ones, by FFT for large ones."""
    if min(a.size, b.size) < 64 or a.size * b.size < 250_000:
        return np.convolve(a, b)
    n = a.size + b.size - 1
    size = 1 << (n - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(a, size) * np.fft.rfft(b, size), size)[:n]
    return np.clip(out, 0.0, None)


def _trim(offset: int, probs: NDArray[np.float64]) -> tuple[int, NDArray[np.float64]]:
    """Drop the outer values holding less than 1e-15 of the mass on each side."""
    limit = 1e-15 * float(probs.sum())
    head = np.cumsum(probs)
    tail = np.cumsum(probs[::-1])
    lo = int(np.searchsorted(head, limit, side="right"))
    hi = probs.size - int(np.searchsorted(tail, limit, side="right"))
    if hi <= lo:
        return offset, probs
    return offset + lo, probs[lo:hi]


def exact_sum_pmf(pmf: NDArray[np.float64], days: int) -> NDArray[np.float64]:
    """Distribution of the total of ``days`` iid days, by repeated squaring of convolutions.

    Each partial distribution keeps an offset and drops tails below 1e-15 of the mass, so the
    work follows the spread of the total (about its square root), not its range.
    """
    result: tuple[int, NDArray[np.float64]] = (0, np.array([1.0]))
    power = _trim(0, pmf)
    remaining = days
    while remaining:
        if remaining & 1:
            result = _trim(result[0] + power[0], _convolve(result[1], power[1]))
        remaining >>= 1
        if remaining:
            power = _trim(2 * power[0], _convolve(power[1], power[1]))
    offset, probs = result
    out = np.zeros(offset + probs.size)
    out[offset:] = probs
    total = out.sum()
    return out / total if total > 0 else out


# --- Monte Carlo ----------------------------------------------------------------------------------


def _draw_days(
    rng: np.random.Generator, n_source: int, days: int, trials: int, block: int, phase: int = 0
) -> NDArray[np.intp]:
    """Indices of resampled days, shape (days, trials): one row per simulated day.

    With ``block`` > 1 whole runs of ``block`` consecutive days are resampled, starting at
    days ``phase``, ``phase + block``, ... of the window, so a week drawn for the future starts
    on the same weekday as the future week it stands for.
    """
    if block <= 1 or n_source < block:
        return rng.integers(0, n_source, size=(days, trials), dtype=np.intp)
    starts = np.arange(phase % block, n_source - block + 1, block, dtype=np.intp)
    if starts.size == 0:
        starts = np.arange(n_source - block + 1, dtype=np.intp)
    blocks = -(-days // block)
    chosen = starts[rng.integers(0, starts.size, size=(blocks, 1, trials), dtype=np.intp)]
    within = np.arange(block, dtype=np.intp)[None, :, None]
    return (chosen + within).reshape(blocks * block, trials)[:days]


def mc_first_passage(
    done: NDArray[np.int64],
    arrivals: NDArray[np.int64] | None,
    targets: NDArray[np.int64],
    *,
    trials: int,
    rng: np.random.Generator,
    block: int,
    max_days: int,
    first_guess: int,
    phase: int = 0,
) -> tuple[NDArray[np.int64], int]:
    """Per trial and target, the first day the running total reaches the target (-1: never).

    The running total is items done minus items arrived (arrivals None: just items done).
    Trials are simulated side by side, in chunks of bounded memory: a stretch of days is drawn
    at once as a (days x trials) matrix, then added up one day (one row, every trial) at a
    time; trials that have reached the last target stop drawing. Returns (days, samples drawn).
    """
    n_targets = targets.size
    net = done if arrivals is None else done - arrivals
    bound = int(targets.max()) + (max_days + 1) * int(np.abs(net).max())
    small = np.int32 if bound < 2**30 else np.int64
    values = net.astype(small)
    limits = targets.astype(small)
    result = np.full((n_targets, trials), -1, dtype=np.int64)
    width = int(np.clip(first_guess, 8, 512))
    if block > 1:
        width = -(-width // block) * block
    chunk = max(1, min(trials, _CHUNK_CELLS // width))
    draws = 0
    for lo in range(0, trials, chunk):
        rows = np.arange(lo, min(lo + chunk, trials))
        total = np.zeros(rows.size, dtype=small)
        reached = np.zeros((n_targets, rows.size), dtype=bool)
        waited = np.zeros((n_targets, rows.size), dtype=np.int64)  # days before reaching
        offset = 0
        while rows.size and offset < max_days:
            span = min(width, max_days - offset)
            daily = values[_draw_days(rng, values.size, span, rows.size, block, phase + offset)]
            draws += daily.size
            for today in daily:
                np.add(total, today, out=total)
                for j in range(n_targets):
                    np.logical_or(reached[j], total >= limits[j], out=reached[j])
                    waited[j] += ~reached[j]
                if reached[-1].all():
                    break
            offset += span
            finished = reached[-1]
            if finished.any():
                result[:, rows[finished]] = waited[:, finished] + 1
                keep = ~finished
                rows, total = rows[keep], total[keep]
                reached, waited = reached[:, keep], waited[:, keep]
        if rows.size:  # not all targets reached within max_days
            result[:, rows] = np.where(reached, waited + 1, -1)
    return result.T, draws


def mc_totals(
    done: NDArray[np.int64],
    days: int,
    *,
    trials: int,
    rng: np.random.Generator,
    block: int,
    phase: int = 0,
) -> tuple[NDArray[np.int64], int]:
    """Items done over ``days`` days, per trial (a days x trials matrix summed in chunks)."""
    totals = np.zeros(trials, dtype=np.int64)
    if days <= 0:
        return totals, 0
    chunk = max(1, min(trials, _CHUNK_CELLS // days))
    draws = 0
    for lo in range(0, trials, chunk):
        hi = min(lo + chunk, trials)
        picks = _draw_days(rng, done.size, days, hi - lo, block, phase)
        draws += picks.size
        totals[lo:hi] = done[picks].sum(axis=0)
    return totals, draws


# --- Reading a distribution -----------------------------------------------------------------------


def days_at(probabilities: NDArray[np.float64], confidence: float) -> int | None:
    """The first day by which the items are done with at least ``confidence`` (None: never)."""
    cdf = np.cumsum(probabilities)
    hit = np.flatnonzero(cdf >= confidence - EPS)
    return int(hit[0]) if hit.size else None


def at_least(probabilities: NDArray[np.float64], confidence: float) -> int:
    """The largest item count reached with at least ``confidence`` probability."""
    survival = np.cumsum(probabilities[::-1])[::-1]  # survival[n] = P(S >= n)
    ok = np.flatnonzero(survival >= confidence - EPS)
    return int(ok[-1]) if ok.size else 0
