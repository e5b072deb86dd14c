"""Renders HTML to PDF with WeasyPrint, fetching nothing but the app's own static files."""
import mimetypes
from pathlib import Path

from flask import render_template
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


def render_pdf(template: str, **context) -> bytes:
    html = render_template(template, asset_base=f"{ASSET_SCHEME}:///", **context)
    fetcher = AppAssetsOnly()
    return HTML(string=html, base_url=f"{ASSET_SCHEME}:///", url_fetcher=fetcher).write_pdf()
