"""AES-256-GCM for stored files, streamed so a large file never sits in memory twice.

Sealed layout: format byte ``0x01`` | 12-byte random nonce | ciphertext | 16-byte tag.
The upload id is authenticated as associated data, so a file cannot be swapped
between uploads unnoticed.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FORMAT = b"\x01"
NONCE_SIZE = 12
TAG_SIZE = 16
PREFIX_SIZE = len(FORMAT) + NONCE_SIZE


class FileCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the storage key must be 32 bytes (AES-256)")
        self._key = key

    @staticmethod
    def sealed_size(plain_size: int) -> int:
        return PREFIX_SIZE + plain_size + TAG_SIZE

    def encryptor(self, associated_data: bytes) -> tuple[bytes, Encryptor]:
        """The prefix to write first, and the encryptor for the body (then its ``tag()``)."""
        nonce = os.urandom(NONCE_SIZE)
        ctx = Cipher(algorithms.AES(self._key), modes.GCM(nonce)).encryptor()
        ctx.authenticate_additional_data(associated_data)
        return FORMAT + nonce, Encryptor(ctx)

    def decryptor(self, prefix: bytes, tag: bytes, associated_data: bytes) -> Decryptor:
        """Decrypts the body; ``finish()`` raises ``cryptography.exceptions.InvalidTag`` on tampering
        or a wrong key, so output must not be used before it returns."""
        if len(prefix) != PREFIX_SIZE or prefix[:1] != FORMAT:
            raise ValueError("stored file has an unknown format")
        ctx = Cipher(algorithms.AES(self._key), modes.GCM(prefix[1:], tag)).decryptor()
        ctx.authenticate_additional_data(associated_data)
        return Decryptor(ctx)


class Encryptor:
    def __init__(self, ctx) -> None:
        self._ctx = ctx

    def update(self, data: bytes) -> bytes:
        return self._ctx.update(data)

    def finish(self) -> bytes:
        """The last bytes of ciphertext followed by the tag."""
        return self._ctx.finalize() + self._ctx.tag


class Decryptor:
    def __init__(self, ctx) -> None:
        self._ctx = ctx

    def update(self, data: bytes) -> bytes:
        return self._ctx.update(data)

    def finish(self) -> bytes:
        return self._ctx.finalize()
