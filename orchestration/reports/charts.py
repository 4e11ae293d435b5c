"""Charts as PNG bytes (matplotlib, no display), for the e-mail's inline images and the PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.pyplot as plt


def line_chart(x: Sequence[str], series: dict[str, Sequence[float | None]], title: str) -> bytes:
    """One line per series over the same x labels (e.g. weeks), with markers, so one point still shows."""
    figure, axes = plt.subplots(figsize=(6.4, 2.6), dpi=110)
    for label, values in series.items():
        axes.plot(list(x), [float("nan") if v is None else v for v in values], marker="o", label=label)
    _finish(figure, axes, title, legend=len(series) > 1)
    return _png(figure)


def bar_chart(labels: Sequence[str], values: Sequence[float | None], title: str, target: float | None = None) -> bytes:
    """Bars per label, with the target as a dashed line when there is one."""
    figure, axes = plt.subplots(figsize=(6.4, 2.6), dpi=110)
    axes.bar(list(labels), [0.0 if v is None else v for v in values], color="#4c78a8")
    if target is not None:
        axes.axhline(target, linestyle="--", color="#e45756", label=f"target {target:g}")
    _finish(figure, axes, title, legend=target is not None)
    return _png(figure)


def _finish(figure: plt.Figure, axes: plt.Axes, title: str, legend: bool) -> None:
    axes.set_title(title, fontsize=10)
    axes.tick_params(labelsize=8)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if legend:
        axes.legend(fontsize=8, frameon=False)
    figure.autofmt_xdate(rotation=30)
    figure.tight_layout()


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
