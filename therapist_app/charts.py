"""Trend charts as plain SVG, drawn on the server: the same drawing serves pages and PDFs.

Colours are doubled by dash patterns, so lines stay apart in black-and-white print and for
colour-blind readers; every chart is paired with a table of the same numbers where it is shown.
"""
from markupsafe import Markup, escape

COLOURS = {"trust": "#1d4e89", "safety": "#2f5d62", "communication": "#8a4b00", "closeness": "#6b2d5c"}
DASHES = {"trust": "", "safety": "6 3", "communication": "2 3", "closeness": "10 4 2 4"}
PARTNER_STYLES = (("#1d4e89", ""), ("#8a4b00", "6 3"))
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 10, 34


def _frame(width: int, height: int, title: str, maximum: int = 10) -> list[str]:
    """The chart's box and its 0 / middle / maximum guide lines. The viewBox keeps the proportions;
    CSS sizes it to its box (a phone's width, a PDF column)."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(title)}" class="trend" '
             f'preserveAspectRatio="xMinYMin meet">']
    for value in (0, round(maximum / 2), maximum):
        y = _y(value, height, maximum)
        parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" '
                     f'stroke-width="1"/><text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
                     f'fill="#444">{value}</text>')
    return parts


def _y(value, height: int, maximum: int = 10) -> float:
    return TOP + (height - TOP - BOTTOM) * (1 - value / maximum)


CUTOFF_STYLE = ("#a11", "4 3")


def _cutoff_line(cutoff: float, width: int, height: int, maximum: int) -> str:
    """A dashed red line at a measure's cutoff. It is named in the legend, not beside the line, where
    the partners' lines could cross its label (and not by colour alone: its dashes are its own)."""
    colour, dash = CUTOFF_STYLE
    y = _y(cutoff, height, maximum)
    return (f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="1.5" stroke-dasharray="{dash}" class="cutoff"/>')


def _line(coords, colour: str, dash: str) -> str:
    path = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
    dots = "".join(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5" fill="{colour}"/>' for a, b in coords)
    return (f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dash}"/>{dots}')


def _legend(entries, width: int, height: int) -> list[str]:
    parts, x = [], LEFT
    for label, colour, dash in entries:
        parts.append(f'<line x1="{x}" x2="{x + 16}" y1="{height - 8}" y2="{height - 8}" stroke="{colour}" '
                     f'stroke-width="2" stroke-dasharray="{dash}"/><text x="{x + 20}" y="{height - 4}" '
                     f'font-size="10" fill="#222">{escape(label)}</text>')
        x += 20 + 6 * len(label) + 10
    return parts


def trend_svg(points, metrics, title: str, width: int = 360, height: int = 180) -> Markup:
    """One person's 0–10 ratings over time, a line per measure (a partner's own chart)."""
    plot_w = width - LEFT - RIGHT

    def x(i):
        return LEFT + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    parts = _frame(width, height, title)
    for metric in metrics:
        coords = [(x(i), _y(p.ratings[metric], height)) for i, p in enumerate(points) if metric in p.ratings]
        if coords:
            parts.append(_line(coords, COLOURS[metric], DASHES[metric]))
    parts += _legend([(m.title(), COLOURS[m], DASHES[m]) for m in metrics], width, height)
    return Markup("".join(parts + ["</svg>"]))


def measure_svg(lines: dict, title: str, width: int = 520, height: int = 190, maximum: int = 10,
                cutoff: float | None = None, cutoff_label: str = "") -> Markup:
    """One measure over time, a line per person ({name: [(moment, rating)]}), placed by date so that
    two partners who answered on different days still line up. `maximum`: the top of the scale
    (10 for ratings, 21 for the CSI-4); `cutoff`: a line drawn across at that score."""
    moments = [at for points in lines.values() for at, _ in points]
    first, last = min(moments), max(moments)
    span = (last - first).total_seconds() or 1
    plot_w = width - LEFT - RIGHT

    def x(at):
        return LEFT + (plot_w * (at - first).total_seconds() / span if last > first else plot_w / 2)

    parts = _frame(width, height, title, maximum)
    legend = []
    if cutoff is not None:
        parts.append(_cutoff_line(cutoff, width, height, maximum))
    for (name, points), (colour, dash) in zip(lines.items(), PARTNER_STYLES):
        if points:
            parts.append(_line([(x(at), _y(value, height, maximum)) for at, value in points], colour, dash))
            legend.append((name, colour, dash))
    if cutoff is not None:
        legend.append((cutoff_label or f"cutoff {cutoff:g}", *CUTOFF_STYLE))
    parts += _legend(legend, width, height)
    return Markup("".join(parts + ["</svg>"]))
