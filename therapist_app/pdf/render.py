"""Renders HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

Rendering happens in a worker process with a time limit (pdf.worker): one pathological document
cannot hold a web worker forever, and layout runs away from the ORM objects of the request.
"""
import mimetypes
from pathlib import Path

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_SCHEME = "ta-asset"
STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()


class AppAssetsOnly(URLFetcher):
    """Serves ta-asset:///<file> from our static folder. Refuses every other URL: http, file,
    data, and anything an answer might smuggle in through markup."""

    def __init__(self):
        super().__init__(allowed_protocols={ASSET_SCHEME}, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        prefix = f"{ASSET_SCHEME}:///"
        if url.startswith(prefix):
            candidate = (STATIC_DIR / url[len(prefix):].split("?")[0]).resolve()
            if candidate.is_relative_to(STATIC_DIR) and candidate.is_file():
                mime, _ = mimetypes.guess_type(candidate.name)
                return URLFetcherResponse(url, body=candidate.read_bytes(),
                                          headers={"Content-Type": mime or "application/octet-stream"})
        self.refused.append(url)
        raise ValueError("refused: the PDF renderer only loads the app's own assets")


def document_html(template: str, **context) -> str:
    """The document as HTML: everything that will be on the page, and nothing else."""
    return render_template(template, asset_base=f"{ASSET_SCHEME}:///", **context)


def pdf_from_html(html: str) -> bytes:
    """WeasyPrint itself. Needs no app context, so a worker process can run it."""
    return HTML(string=html, base_url=f"{ASSET_SCHEME}:///", url_fetcher=AppAssetsOnly()).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    from .worker import render_with_time_limit

    return render_with_time_limit(document_html(template, **context),
                                  current_app.config["THERAPIST_PDF_RENDER_TIMEOUT_SECONDS"])
