"""Trend charts as plain SVG, drawn on the server: the same drawing serves pages and PDFs."""
from markupsafe import Markup, escape

COLOURS = {"trust": "#1d4e89", "safety": "#2f5d62", "communication": "#8a4b00", "closeness": "#6b2d5c"}
DASHES = {"trust": "", "safety": "6 3", "communication": "2 3", "closeness": "10 4 2 4"}


def trend_svg(points, metrics, title: str, width: int = 360, height: int = 180) -> Markup:
    """A small line chart of 0–10 ratings over time. Colours are doubled by dash patterns so the
    lines stay apart in black-and-white print and for colour-blind readers."""
    left, right, top, bottom = 28, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(points)

    def x(i):
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(value):
        return top + plot_h * (1 - value / 10)

    # The viewBox keeps the proportions; CSS sizes it to its box (a phone's width, a PDF column).
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}" class="trend" '
             f'preserveAspectRatio="xMinYMin meet">']
    for value in (0, 5, 10):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#ccc" stroke-width="1"/><text x="{left - 6}" y="{y(value) + 4:.1f}" '
                     f'font-size="10" text-anchor="end" fill="#444">{value}</text>')
    for metric in metrics:
        coords = [(x(i), y(p.ratings[metric])) for i, p in enumerate(points) if metric in p.ratings]
        if not coords:
            continue
        path = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[metric]}" stroke-width="2" '
                     f'stroke-dasharray="{DASHES[metric]}"/>')
        parts.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5" fill="{COLOURS[metric]}"/>' for a, b in coords)
    legend_x = left
    for metric in metrics:
        parts.append(f'<line x1="{legend_x}" x2="{legend_x + 16}" y1="{height - 8}" y2="{height - 8}" '
                     f'stroke="{COLOURS[metric]}" stroke-width="2" stroke-dasharray="{DASHES[metric]}"/>'
                     f'<text x="{legend_x + 20}" y="{height - 4}" font-size="10" fill="#222">{escape(metric.title())}</text>')
        legend_x += 20 + 6 * len(metric) + 10
    parts.append("</svg>")
    return Markup("".join(parts))
