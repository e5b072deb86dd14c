"""Where a browser may be sent after signing in: only this app's own paths, never another site."""
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import current_app

MAX_LENGTH = 2000


def _has_hidden_characters(text: str) -> bool:
    # Browsers silently drop tabs and newlines (so "/\t/evil" becomes "//evil") and some treat other
    # controls, format characters and exotic spaces just as loosely: none belongs in one of our paths.
    return any(unicodedata.category(char)[0] in "CZ" for char in text)


def _looks_local(path: str) -> bool:
    return (path.startswith("/") and not path.startswith("//") and "\\" not in path
            and not _has_hidden_characters(path))


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path of this app (with its query and fragment), else None. Refuses
    scheme-relative forms ("//x", "/\\x"), schemes ("https:x"), control characters and their
    percent-encoded twins ("/%2F%2Fx", "/%09/x"), which some browsers and proxies decode."""
    if not target or len(target) > MAX_LENGTH:
        return None
    if not _looks_local(target) or not _looks_local(unquote(target)):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    prefix = current_app.extensions["therapist_app"].url_prefix
    if prefix and not (parts.path == prefix or parts.path.startswith(prefix + "/")):
        return None
    return target
