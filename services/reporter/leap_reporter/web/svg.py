"""Charts as inline SVG, drawn on the server (no scripts, no CDN). Suppressed values draw no bar."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT, PAD = 720, 220, 28


def bar_chart(labels: Sequence[str], values: Sequence[int | str], *, line: Sequence[int | str] | None = None,
              title: str = "") -> str:
    """Bars for ``values`` and an optional line (e.g. the cumulative total) on the same scale."""
    numbers = [v for v in [*values, *(line or [])] if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    n = max(len(values), 1)
    step = (WIDTH - 2 * PAD) / n
    def y(v: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * v / top
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}">',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>',
             f'<text x="{PAD}" y="14" class="tick">{top}</text>']
    every = max(1, n // 12)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = PAD + i * step
        if isinstance(value, int) and value > 0:
            parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{y(value):.1f}" width="{step * 0.8:.1f}" '
                         f'height="{HEIGHT - PAD - y(value):.1f}" class="bar"><title>{escape(label)}: {value}</title></rect>')
        elif value == "*":
            parts.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - PAD - 4}" class="tick" text-anchor="middle">*</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{HEIGHT - 8}" class="tick" text-anchor="middle">'
                         f'{escape(label)}</text>')
    points = [f"{PAD + (i + 0.5) * step:.1f},{y(v):.1f}" for i, v in enumerate(line or []) if isinstance(v, int)]
    if len(points) > 1:
        parts.append(f'<polyline points="{" ".join(points)}" class="line"/>')
    parts.append("</svg>")
    return "".join(parts)
