import codecs

import pytest

from leap_uploader.domain.encoding import UndecodableText, detect_encoding

TEXT = "provider_record_id,first_name\nP1,Zoë\nP2,Siân £5 – “quoted”\n"


def chunks(data: bytes, size: int = 7) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def test_plain_utf8() -> None:
    assert detect_encoding(chunks(TEXT.encode("utf-8"))) == "utf-8"


def test_utf8_with_bom_is_utf8_sig() -> None:
    assert detect_encoding(chunks(codecs.BOM_UTF8 + TEXT.encode("utf-8"))) == "utf-8-sig"


def test_multibyte_character_split_across_chunks_is_still_utf8() -> None:
    data = "é".encode() * 1000
    assert detect_encoding(chunks(data, 3)) == "utf-8"


def test_windows_1252_export_from_excel() -> None:
    assert detect_encoding(chunks(TEXT.encode("cp1252"))) == "cp1252"


def test_ascii_is_utf8() -> None:
    assert detect_encoding([b"a,b\n1,2\n"]) == "utf-8"


def test_utf8_cut_off_at_the_end_falls_back_to_windows_1252() -> None:
    assert detect_encoding([b"name\nZo\xc3"]) == "cp1252"


def test_bytes_undefined_in_windows_1252_and_invalid_utf8_are_rejected() -> None:
    with pytest.raises(UndecodableText, match="neither UTF-8 nor Windows-1252"):
        detect_encoding([b"a,b\n\xff\x81,2\n"])


def test_bom_then_invalid_utf8_is_rejected() -> None:
    with pytest.raises(UndecodableText, match="UTF-8 marker"):
        detect_encoding([codecs.BOM_UTF8 + b"a\n\xe9\n"])
