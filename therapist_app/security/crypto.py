"""AES-GCM with a key ring, so keys can be rotated. Columns use it through security/sealing.py."""
import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app


class KeyRingError(RuntimeError):
    pass


class KeyRing:
    """Keys by id; the first one encrypts, all of them decrypt (so old rows stay readable)."""

    def __init__(self, spec: str):
        self.keys: dict[str, AESGCM] = {}
        self.current_id: str | None = None
        for item in (part.strip() for part in (spec or "").split(",")):
            if not item:
                continue
            key_id, _, encoded = item.partition(":")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise KeyRingError(f"answer key {key_id!r} is not valid base64") from exc
            if len(raw) != 32 or not key_id or "$" in key_id:
                raise KeyRingError(f"answer key {key_id!r} must be an id and 32 bytes of base64")
            self.keys[key_id] = AESGCM(raw)
            self.current_id = self.current_id or key_id
        if not self.keys:
            raise KeyRingError("no answer encryption key configured (THERAPIST_ANSWER_KEYS)")

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
            raise KeyRingError(f"answer key {key_id!r} is not configured")
        raw = base64.b64decode(encoded)
        return self.keys[key_id].decrypt(raw[:12], raw[12:], context)


def current_keyring() -> KeyRing:
    return current_app.extensions["therapist_app"].keyring
