"""What kind of answer a request wants (a page, or JSON for the pages' own scripts), and the answer
that is a file to download."""
from flask import make_response, request


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def pdf_download(pdf: bytes, filename: str):
    """A PDF to save, not to open in the tab. `filename` stays neutral (no name, no exercise):
    downloads folders are shared too."""
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
