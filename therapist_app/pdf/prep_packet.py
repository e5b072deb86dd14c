"""The prep packet as a PDF: laid out from the plain data `services.packets.prep` gathered (through access).

The HTML is made first and names the cached PDF (pdf/cache.py): an unchanged packet is never laid out twice.
"""
from flask import current_app

from . import cache
from .render import document_html
from .worker import render_with_time_limit


def packet_html(packet) -> str:
    return document_html("therapist_app/pdf/prep_packet.html", packet=packet)


def cached_or_rendered(couple_id: int, html: str) -> bytes:
    """The packet's PDF from the cache when nothing on it changed, else laid out now and kept."""
    key = cache.key_for(html)
    pdf = cache.get(couple_id, key)
    if pdf is None:
        pdf = render_with_time_limit(html, current_app.config["THERAPIST_PDF_RENDER_TIMEOUT_SECONDS"])
        cache.put(couple_id, key, pdf)
    return pdf
