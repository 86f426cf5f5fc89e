import io
import zipfile

import pyotp

from leap_uploader.adapters.file_readers import bomb_problem, workbook_problem
from leap_uploader.domain import passwords, totp
from leap_uploader.domain.report_export import excel_safe, report_rows, to_csv


def test_argon2id_hash_verifies_only_the_right_password():
    hashed = passwords.hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "a long enough password")
    assert not passwords.verify_password(hashed, "another long password")
    assert not passwords.verify_password("not a hash", "a long enough password")


def test_a_code_is_accepted_once_and_with_one_step_of_drift():
    secret = pyotp.random_base32()
    now = 1_800_000_000.0
    code = pyotp.TOTP(secret).at(now)
    step = totp.accepted_step(secret, code, 0, now)
    assert step == int(now // 30)
    assert totp.accepted_step(secret, code, step, now) is None  # replay
    assert totp.accepted_step(secret, pyotp.TOTP(secret).at(now + 30), step, now) == step + 1
    assert totp.accepted_step(secret, pyotp.TOTP(secret).at(now + 90), 0, now) is None
    assert totp.accepted_step(secret, "12345x", 0, now) is None


def test_enrolment_qr_code_is_inline_svg():
    svg = totp.qr_svg(totp.provisioning_uri(totp.new_secret(), "someone"))
    assert svg.startswith("<svg") and "http" not in svg.split(">", 1)[1]


def test_cells_that_excel_would_run_get_a_quote():
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert excel_safe(text) == "'" + text
    assert excel_safe("fine") == "fine" and excel_safe(3) == 3
    rows = report_rows([{"row": 2, "column": "x", "value": "=cmd|' /C calc'!A0", "severity": "error",
                         "message": "x is required: give it"}])
    assert rows == [(2, "x", "'=cmd|' /C calc'!A0", "error", "x is required", "give it")] or \
        to_csv(rows).decode("utf-8-sig").splitlines()[1].split(",")[2].startswith("'")


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    out.seek(0)
    return out


def test_zip_bombs_are_refused_from_the_directory_alone():
    bomb = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (50 * 1024 * 1024)})
    assert "zip bomb" in workbook_problem(bomb, 2 ** 31)
    huge = zipfile.ZipInfo("xl/sharedStrings.xml")
    huge.file_size, huge.compress_size = 300 * 1024 * 1024, 30 * 1024 * 1024
    assert "expands to more data" in bomb_problem([huge], 2 ** 31)
    normal = _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"<row>abc</row>" * 1000})
    assert workbook_problem(normal, 2 ** 31) is None
