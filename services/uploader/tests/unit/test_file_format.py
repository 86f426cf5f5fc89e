import codecs

import pytest

from leap_uploader.domain.file_format import UnsupportedFile, sniff


def test_zip_magic_is_xlsx() -> None:
    assert sniff(b"PK\x03\x04rest") == "xlsx"


@pytest.mark.parametrize("head", [b"provider_record_id,beneficiary_type\n", "a,Zoë\n".encode("cp1252"),
                                  codecs.BOM_UTF8 + b"a,b\n"])
def test_text_is_csv(head: bytes) -> None:
    assert sniff(head) == "csv"


@pytest.mark.parametrize(("head", "hint"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", ".xls"),
    (codecs.BOM_UTF16_LE + "a,b".encode("utf-16-le"), "UTF-16"),
    (b"%PDF-1.7\n\x00\x01\x02", "neither CSV nor XLSX"),
    (b"", "empty"),
])
def test_other_files_are_refused_with_a_hint(head: bytes, hint: str) -> None:
    with pytest.raises(UnsupportedFile, match=hint):
        sniff(head)
