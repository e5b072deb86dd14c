"""The sealed backup file (services/backup_file.py) on its own: chunks come back in order, and a
changed, cut or reordered file does not open."""
import base64
import io
import os

import pytest

from therapist_app.security.crypto import KeyRing
from therapist_app.services.backup_file import CHUNK, FORMAT, BackupError, Sealer, opened

RING = KeyRing(KeyRing.generate_spec("b1"), setting="THERAPIST_BACKUP_KEYS", what="backup key")
HEADER = {"format": FORMAT, "kind": "sqlite", "key": "b1", "created": "2026-01-01T00:00:00+00:00",
          "nonce": base64.b64encode(os.urandom(7)).decode(), "compression": "none"}


def _sealed(data: bytes) -> bytes:
    out = io.BytesIO()
    sealer = Sealer(out, HEADER, RING)
    sealer.feed(data)
    sealer.close()
    return out.getvalue()


def _opened(file: bytes) -> bytes:
    header, chunks = opened(io.BytesIO(file), RING)
    return b"".join(chunks)


def test_what_was_sealed_comes_back_across_chunks():
    data = os.urandom(CHUNK * 2 + 123)
    assert _opened(_sealed(data)) == data


@pytest.mark.parametrize("damage", [lambda f: f[:-1], lambda f: f[:-10] + bytes([f[-10] ^ 1]) + f[-9:],
                                    lambda f: f[:len(f) // 2]])
def test_a_changed_or_cut_file_does_not_open(damage):
    with pytest.raises(BackupError):
        _opened(damage(_sealed(os.urandom(CHUNK + 10))))
