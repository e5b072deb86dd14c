"""Rendered PDFs kept on disk, sealed, under a keyed hash of everything on them.

The key is an HMAC of the document's HTML (its data, its wording, the practice's paper size, the
worksheet versions, the stylesheet's content): any change gives a new key, so a stale PDF is never
served, and nothing needs to know what changed. Files are sealed with the answer keys (AES-GCM,
bound to their key) and live outside the web root, one folder per couple, so deleting a couple
deletes its PDFs. Only the newest few per couple are kept.
"""
import hashlib
import hmac
import os
import re
import shutil
from pathlib import Path

from flask import current_app

from ..security.crypto import current_keyring
from .render import STATIC_DIR

KEEP_PER_COUPLE = 6


def _folder(couple_id: int) -> Path | None:
    root = current_app.config.get("THERAPIST_PDF_CACHE_DIR")
    return Path(root) / f"couple-{int(couple_id)}" if root else None


# The day a document was laid out ("Prepared 4 March") is no change to what is on it: left out of the
# key, a packet laid out the night before is served the next morning, still saying when it was made.
# Only a template writes these comments: text from answers is escaped, so it can never hold one.
_DATED = re.compile(r"<!--dated-->.*?<!--/dated-->", re.DOTALL)


def key_for(html: str) -> str:
    stylesheet = (STATIC_DIR / "pdf.css").read_bytes()
    secret = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    digest = hmac.new(secret, stylesheet, hashlib.sha256)
    digest.update(_DATED.sub("", html).encode())
    return digest.hexdigest()


def get(couple_id: int, key: str) -> bytes | None:
    folder = _folder(couple_id)
    path = folder / f"{key}.pdf.sealed" if folder else None
    if path is None or not path.is_file():
        return None
    try:
        return current_keyring().decrypt(path.read_text(), key.encode())
    except Exception:  # noqa: BLE001 - an unreadable entry (rotated key, torn write) is simply rendered again
        path.unlink(missing_ok=True)
        return None


def put(couple_id: int, key: str, pdf: bytes) -> None:
    folder = _folder(couple_id)
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = folder / f".{key}.{os.getpid()}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(current_keyring().encrypt(pdf, key.encode()))
    os.replace(temporary, folder / f"{key}.pdf.sealed")  # atomic: a reader sees all or nothing
    entries = sorted(folder.glob("*.pdf.sealed"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_PER_COUPLE:]:
        old.unlink(missing_ok=True)


def purge_couple(couple_id: int) -> None:
    folder = _folder(couple_id)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
