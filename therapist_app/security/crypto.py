"""AES-GCM with a key ring, so keys can be rotated. Columns use it through security/sealing.py."""
import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class KeyRingError(RuntimeError):
    pass


class KeyRing:
    """Keys by id; the first one encrypts, all of them decrypt (so old rows stay readable)."""

    def __init__(self, spec: str, setting: str = "THERAPIST_ANSWER_KEYS", what: str = "answer key"):
        self.keys: dict[str, AESGCM] = {}
        self._raw: dict[str, bytes] = {}
        self.current_id: str | None = None
        self.what = what
        for item in (part.strip() for part in (spec or "").split(",")):
            if not item:
                continue
            key_id, _, encoded = item.partition(":")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise KeyRingError(f"{what} {key_id!r} is not valid base64") from exc
            if len(raw) != 32 or not key_id or "$" in key_id:
                raise KeyRingError(f"{what} {key_id!r} must be an id and 32 bytes of base64")
            self._add(key_id, raw)
        if not self.keys:
            raise KeyRingError(f"no {what} configured ({setting})")

    def _add(self, key_id: str, raw: bytes) -> None:
        self.keys[key_id], self._raw[key_id] = AESGCM(raw), raw
        self.current_id = self.current_id or key_id

    def derived(self, purpose: str, what: str) -> "KeyRing":
        """A ring of keys for another purpose (backups), one per key of this ring, with the same ids:
        HKDF-SHA256 of each key, with the purpose as its info. Knowing a derived key tells nothing
        about the key it came from."""
        ring = KeyRing.__new__(KeyRing)
        ring.keys, ring._raw, ring.current_id, ring.what = {}, {}, None, what
        for key_id, raw in self._raw.items():
            ring._add(key_id, HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                                   info=purpose.encode()).derive(raw))
        return ring

    @staticmethod
    def generate_spec(key_id: str = "k1") -> str:
        return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"

    def encrypt(self, plaintext: bytes, context: bytes) -> str:
        nonce = os.urandom(12)
        sealed = self.keys[self.current_id].encrypt(nonce, plaintext, context)
        return f"{self.current_id}${base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, context: bytes) -> bytes:
        key_id, _, encoded = token.partition("$")
        if key_id not in self.keys:
            raise KeyRingError(f"{self.what} {key_id!r} is not configured")
        raw = base64.b64decode(encoded)
        return self.keys[key_id].decrypt(raw[:12], raw[12:], context)


def current_keyring() -> KeyRing:
    return current_app.extensions["therapist_app"].keyring
