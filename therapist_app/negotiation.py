"""What kind of answer a request wants: a page, or JSON for the pages' own scripts."""
from flask import request


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"
