import os

import pytest
from cryptography.exceptions import InvalidTag

from leap_uploader.adapters.encryption import PREFIX_SIZE, TAG_SIZE, FileCipher


def seal(cipher: FileCipher, data: bytes, aad: bytes) -> bytes:
    prefix, enc = cipher.encryptor(aad)
    body = b"".join(enc.update(data[i:i + 1000]) for i in range(0, len(data), 1000))
    return prefix + body + enc.finish()


def open_sealed(cipher: FileCipher, sealed: bytes, aad: bytes) -> bytes:
    dec = cipher.decryptor(sealed[:PREFIX_SIZE], sealed[-TAG_SIZE:], aad)
    body = sealed[PREFIX_SIZE:-TAG_SIZE]
    out = b"".join(dec.update(body[i:i + 777]) for i in range(0, len(body), 777))
    return out + dec.finish()


def test_streamed_round_trip_and_size() -> None:
    cipher, data = FileCipher(os.urandom(32)), os.urandom(10_000)
    sealed = seal(cipher, data, b"upload-1")
    assert len(sealed) == FileCipher.sealed_size(len(data))
    assert data not in sealed
    assert open_sealed(cipher, sealed, b"upload-1") == data


def test_tampering_wrong_upload_or_wrong_key_fail() -> None:
    key, data = os.urandom(32), b"provider_record_id\nP1\n" * 50
    sealed = seal(FileCipher(key), data, b"upload-1")
    flipped = sealed[:40] + bytes([sealed[40] ^ 1]) + sealed[41:]
    for cipher, blob, aad in ((FileCipher(key), flipped, b"upload-1"), (FileCipher(key), sealed, b"upload-2"),
                              (FileCipher(os.urandom(32)), sealed, b"upload-1")):
        with pytest.raises(InvalidTag):
            open_sealed(cipher, blob, aad)


def test_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError):
        FileCipher(b"short")
