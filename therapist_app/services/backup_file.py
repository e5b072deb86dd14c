"""The sealed backup file: a plain header (format, database kind, key id, when), then the dump in
sealed chunks of 1 MiB: AES-256-GCM, the header's hash as associated data, and a nonce made of a
random prefix, the chunk's number and a last-chunk flag, so that a changed, reordered, cut or swapped
chunk fails to open."""
import base64
import hashlib
import json
import struct
import zlib
from typing import BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from flask import current_app

from ..security.crypto import KeyRing, KeyRingError

MAGIC = b"THERAPIST-APP-BACKUP\n"
FORMAT = 1
CHUNK = 1 << 20
PURPOSE = "therapist_app backup v1"


class BackupError(RuntimeError):
    """Something a person can act on; the message says what."""


def backup_keyring() -> KeyRing:
    """THERAPIST_BACKUP_KEYS when set; otherwise keys derived from the answer keys."""
    spec = current_app.config.get("THERAPIST_BACKUP_KEYS")
    if not spec:
        return current_app.extensions["therapist_app"].keyring.derived(PURPOSE, what="backup key")
    try:
        return KeyRing(spec, setting="THERAPIST_BACKUP_KEYS", what="backup key")
    except KeyRingError as error:
        raise BackupError(f"THERAPIST_BACKUP_KEYS: {error}.") from None


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class Sealer:
    """Cuts what it is fed into sealed chunks and writes them out."""

    def __init__(self, out: BinaryIO, header: dict, ring: KeyRing):
        self.out, self.aes = out, ring.keys[ring.current_id]
        self.prefix = base64.b64decode(header["nonce"])
        head = json.dumps(header, sort_keys=True).encode()
        self.header_bytes = MAGIC + struct.pack(">H", len(head)) + head
        self.aad = hashlib.sha256(self.header_bytes).digest()
        self.buffer, self.counter = bytearray(), 0
        out.write(self.header_bytes)

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # strictly more: the last chunk is written by close()
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._seal(bytes(self.buffer), last=True)

    def _seal(self, plain: bytes, last: bool) -> None:
        if self.counter >= 2**32:
            raise BackupError("The database is too large for one backup file.")
        sealed = self.aes.encrypt(_nonce(self.prefix, self.counter, last), plain, self.aad)
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1


UNREADABLE = ("This backup cannot be opened: it was changed or cut short after it was written, or it was made "
              "with another backup key. Nothing was restored.")


def _read_header(source: BinaryIO) -> tuple[dict, bytes]:
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError("This is not a backup made by `flask backup`. Nothing was restored.")
    (length,) = struct.unpack(">H", _exactly(source, 2))
    head = _exactly(source, length)
    try:
        header = json.loads(head)
    except ValueError:
        raise BackupError(UNREADABLE) from None
    if header.get("format") != FORMAT:
        raise BackupError(f"This backup has format {header.get('format')!r}; this version reads format {FORMAT}.")
    return header, magic + struct.pack(">H", length) + head


def _exactly(source: BinaryIO, count: int) -> bytes:
    data = source.read(count)
    if len(data) != count:
        raise BackupError(UNREADABLE)
    return data


def opened(source: BinaryIO, ring: KeyRing) -> tuple[dict, Iterator[bytes]]:
    """The header, and the plaintext chunks in order; raises BackupError at the first chunk that does
    not open (so a caller that must not act on a bad file reads it all through once first)."""
    header, header_bytes = _read_header(source)
    key_id = header.get("key")
    if key_id not in ring.keys:
        raise BackupError(f"This backup was made with backup key {key_id!r}, which is not configured here "
                          "(THERAPIST_BACKUP_KEYS, or the answer keys it is derived from). Nothing was restored.")
    aes, aad = ring.keys[key_id], hashlib.sha256(header_bytes).digest()
    prefix = base64.b64decode(header["nonce"])

    def chunks() -> Iterator[bytes]:
        counter, pending = 0, _next_sealed(source)
        while pending is not None:
            following = _next_sealed(source)
            try:
                yield aes.decrypt(_nonce(prefix, counter, following is None), pending, aad)
            except InvalidTag:
                raise BackupError(UNREADABLE) from None
            counter, pending = counter + 1, following
        if counter == 0:
            raise BackupError(UNREADABLE)

    return header, chunks()


def _next_sealed(source: BinaryIO) -> bytes | None:
    size = source.read(4)
    if not size:
        return None
    if len(size) != 4:
        raise BackupError(UNREADABLE)
    (length,) = struct.unpack(">I", size)
    if length > CHUNK + 16:
        raise BackupError(UNREADABLE)
    return _exactly(source, length)


def plain_stream(header: dict, chunks: Iterator[bytes]) -> Iterator[bytes]:
    if header.get("compression") != "zlib":
        yield from chunks
        return
    inflate = zlib.decompressobj()
    for chunk in chunks:
        yield inflate.decompress(chunk)
    yield inflate.flush()
    if not inflate.eof:
        raise BackupError(UNREADABLE)


def read_info(path: str) -> dict:
    """The header of a backup file (what kind of database, which key, when), without opening it."""
    with open(path, "rb") as source:
        return _read_header(source)[0]
