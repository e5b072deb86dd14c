"""Charts drawn on the server (charts.py): what a reader can see on them."""
import re
from datetime import datetime, timedelta, timezone

from therapist_app.charts import LEFT, measure_svg


def _texts_with_y(svg: str) -> dict[str, float]:
    return {text: float(y) for y, text in re.findall(r'<text [^>]*y="([\d.]+)"[^>]*>([^<]*)</text>', svg)}


def test_a_cutoffs_name_sits_in_the_legend_where_no_line_can_cross_it():
    """Its name once sat on the plot at the right-hand end of the cutoff line, where a partner's line
    rising through the cutoff covered it (found in a walk through the couple page)."""
    start = datetime(2026, 10, 24, tzinfo=timezone.utc)
    rising = [(start, 8), (start + timedelta(days=14), 11), (start + timedelta(days=28), 15)]
    svg = measure_svg({"Riley": rising, "Jordan": [(at, v + 1) for at, v in rising]}, "CSI-4 over time",
                      maximum=21, cutoff=13.5)
    texts = _texts_with_y(svg)
    legend_row = texts["Riley"]
    assert texts["cutoff 13.5"] == legend_row  # named beside the partners, below the plot
    cutoff_line = re.search(r'<line [^>]*y1="([\d.]+)"[^>]*class="cutoff"', svg)
    assert float(cutoff_line.group(1)) < legend_row - 20
    assert 'stroke-dasharray="4 3"' in svg.split("cutoff 13.5")[0].rsplit("<line", 1)[1]  # its own dashes
    assert f'x1="{LEFT}"' in cutoff_line.group(0)
