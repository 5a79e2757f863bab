"""Inline SVG charts of risk distributions: no script, no external file, readable as text too.

Each chart carries a <title> and a text label per bar, so the numbers reach screen readers and people
who cannot tell the colours apart. Only numbers and fixed labels go into the markup; it is still
escaped through markupsafe so a future caller cannot smuggle markup in.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from catalog.taxonomy import RISK_ORDER

# Fill colours chosen for at least 3:1 contrast against white; the text labels carry the meaning.
RISK_COLOURS = {
    "Low": "#2f7d32",
    "Medium": "#9a6700",
    "High": "#c2410c",
    "Critical": "#b91c1c",
    "Unclassified": "#6b7280",
}
LEVELS = [r.value for r in RISK_ORDER] + ["Unclassified"]


def _counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return [(level, int(counts.get(level, 0))) for level in LEVELS if counts.get(level, 0)]


def risk_stack(counts: Mapping[str, int], width: int = 320, height: int = 18) -> Markup:
    """A one-line stacked bar (server rows and headers), with an accessible summary."""
    parts = _counts(counts)
    total = sum(n for _, n in parts)
    summary = ", ".join(f"{n} {level}" for level, n in parts) or "no tools"
    if not total:
        return Markup(
            f'<svg class="chart stack" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f"<title>{escape(summary)}</title>"
            f'<rect width="{width}" height="{height}" fill="#e5e7eb"/></svg>'
        )
    x = 0.0
    rects = []
    for level, n in parts:
        w = width * n / total
        rects.append(
            f'<rect x="{x:.1f}" width="{w:.1f}" height="{height}" fill="{RISK_COLOURS[level]}">'
            f"<title>{escape(level)}: {n}</title></rect>"
        )
        x += w
    return Markup(
        f'<svg class="chart stack" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>Risk of {total} tools: {escape(summary)}</title>{''.join(rects)}</svg>"
    )


def risk_bars(counts: Mapping[str, int], width: int = 480, bar_height: int = 26) -> Markup:
    """Horizontal bars, one per risk level, each labelled with its level and count."""
    parts = [(level, int(counts.get(level, 0))) for level in LEVELS if level != "Unclassified" or counts.get(level)]
    peak = max((n for _, n in parts), default=0) or 1
    total = sum(n for _, n in parts)
    label_w, gap = 110, 8
    height = len(parts) * (bar_height + gap)
    rows = []
    for i, (level, n) in enumerate(parts):
        y = i * (bar_height + gap)
        w = max((width - label_w - 90) * n / peak, 1 if n else 0)
        share = f"{100 * n / total:.1f}%" if total else "0%"
        rows.append(
            f'<text x="0" y="{y + bar_height * 0.7:.1f}" class="label">{escape(level)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{RISK_COLOURS[level]}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}" class="value">{n:,} ({share})</text>'
        )
    summary = ", ".join(f"{level} {n}" for level, n in parts)
    return Markup(
        f'<svg class="chart bars" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>Tools by risk: {escape(summary)}</title>{''.join(rows)}</svg>"
    )
