"""Write ``vectors.json``: the shared test vectors every implementation of the standard must pass.

``python -m leap_contracts.pseudonymisation.make_vectors`` regenerates the file
from the reference code; a test fails when the committed file differs.

The key in the vectors is PUBLIC and for TESTS ONLY: never use it for data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, cast

from leap_contracts.pseudonymisation import normalise as n
from leap_contracts.pseudonymisation.identify import KEY_GENDERS
from leap_contracts.pseudonymisation.match_keys import MATCH_KEYS, MatchKeyMaker, dob_unordered, name_letters, soundex
from leap_contracts.pseudonymisation.tokens import SPEC_VERSION, Tokeniser, _message, key_check_value

VECTORS = Path(__file__).with_name("vectors.json")
TEST_KEY = hashlib.sha256(b"LEAP pseudonymisation standard: PUBLIC TEST-ONLY key, never for real data").digest()
TEST_KEY_ID = "test-only-1"


def _valid_nhs_numbers(count: int) -> list[str]:
    found: list[str] = []
    seed = 400000000
    while len(found) < count:
        seed += 7919
        nine = f"{seed % 10**9:09d}"
        check = n.nhs_check_digit(nine)
        if check is not None and nine + str(check) not in n._NHS_JUNK:
            found.append(nine + str(check))
    return found


def _remainder_ten(count: int) -> list[str]:
    found: list[str] = []
    seed = 100000000
    while len(found) < count:
        seed += 104729
        nine = f"{seed % 10**9:09d}"
        if n.nhs_check_digit(nine) is None:
            found.append(nine + str(len(found) % 10))
    return found


def nhs_inputs() -> list[str]:
    valid = _valid_nhs_numbers(40)
    notations = [f"{v[:3]} {v[3:6]} {v[6:]}" for v in valid[:10]] + [f"{v[:3]}-{v[3:6]}-{v[6:]}" for v in valid[10:20]]
    notations += [f" {valid[20]} ", f"\t{valid[21]}", f"{valid[22][:4]} {valid[22][4:]}", f"{valid[23][:3]}  {valid[23][3:]}"]
    wrong_check = [v[:9] + str((int(v[9]) + 1) % 10) for v in valid[24:34]]
    junk = sorted(n._NHS_JUNK) + ["000 000 0000", "999-999-9999"]
    malformed = ["", "123456789", "12345678901", "943476591X", "NHS9434765", "９４３４７６５９１９", "943.476.5919",
                 "9434765919 9434765919", "+9434765919", "94347659l9"]
    return valid + notations + wrong_check + junk + _remainder_ten(12) + malformed


EMAILS = [
    "someone@home.net", " Someone@Home.NET ", "SOMEONE@HOME.NET", "first.last@nhs.net", "first.last+tag@nhs.net",
    "o'brien@family.co.uk", "anne-marie@example-mail.org", "x1@y.io", "\tmum@family.org.uk\n", "Dad@Family.Org.UK",
    "jo@sub.domain.gov.uk", "zoë@mail.fr", "a.b@c.de", "user_name@domain.travel", "12345@numbers.com",
    "noemail@home.net", "none@none.com", "NoEmail@Gmail.com", "no.email@x.org", "n/a@x.org", "unknown@test.com",
    "test@test.com", "someone@example.com", "someone@example.org", "dummy@nhs.net", "refused@family.org",
    "declined@x.co.uk", "x@x.com", "na@na.com", "someone@noemail.com", "abc@abc.com", "donotreply@nhs.net",
    "", "   ", "someone", "someone@", "@home.net", "someone@home", "some one@home.net", "a@b@c.net",
    "someone@@home.net", "someone@home .net", "someone@.net.",
]

MOBILES = [
    "07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0044 7700 900123", "00447700900123",
    "447700900123", "44 7700 900123", "(07700) 900-123", "07700-900-123", "07700.900.123", " 07700 900 123 ",
    "+44 (0) 7700 900123", "+44(0)7700900123", "7700900123", "07911 123456", "+44 7911 123456", "07400 123456",
    "07999 000001", "07123 456780", "07624 112233", "07781 234567",
    "020 7946 0018", "+44 20 7946 0018", "01632 960123", "0113 496 0000", "0800 123 4567", "03000 123456",
    "+44 161 496 0000", "0845 600 0000", "+33 6 12 34 56 78", "+1 202 555 0143", "0033612345678",
    "07000000000", "07000 000000", "+447000000000", "07777777777", "07111 111111", "07123456789", "07987654321",
    "", "0770090012", "077009001234", "07700 90012x", "mobile", "+44", "447700900", "4407700900123",
    "07700 900123 ext 1", "０７７００９００１２３",
]

POSTCODES = [
    "SW9 7AB", "sw97ab", " sw9 7ab ", "SW1A 1AA", "sw1a1aa", "EC1A 1BB", "ec1a1bb", "W1A 0AX", "M1 1AE",
    "B33 8TH", "CR2 6XH", "DN55 1PT", "SE5 0AA", "SW2 1AA", "N1 9GU", "E14 5AB", "L1 8JQ", "BT1 1AA",
    "sw9\t7ab", "SW9  7AB", "S W 9 7 A B",
    "", "SW9", "12345", "SW9 7A", "SW97ABC", "7AB SW9", "SW9-7AB", "ZZZ 1AA", "GIR 0AA", "SW9 7ÅB",
]

GENDERS = ["female", "Female", "FEMALE", "f", "F", " f ", "male", "Male", "m", "M", "other", "Other", "o", "O",
           "unknown", "Unknown", "u", "U", "", "x", "X", "non-binary", "woman", "man", "fem", "2", "1"]

FIRST_NAMES = [
    "Oliver", "OLIVER", "oliver", " Oliver ", "Zoë", "ZOË", "Zoe", "Zoé", "Chloé", "Anne-Marie", "Anne Marie",
    "O'Neil", "O’Neil", "D'Arcy", "Jo", "J", "J.", "Al", "Él", "Åsa", "Øyvind", "Łukasz", "Ægir", "Siân", "Seán",
    "Bjørn", "Nguyễn", "Dũng", "Mary Jane", "Ol1ver", "Straße", "ẞam", "Ñandú", "İlker", "Iñaki", "Çağla",
    "Renée", "Noël", "-Jo-", "  ", "-", "'", "123", "", "Анна", "Αλέξης", "François", "Şükrü", "Mæve", "Þóra",
]

DATES = ["2023-01-02", "02/01/2023", " 2023-01-02 ", "2024-02-29", "29/02/2024", "2023-12-31", "31/12/2023",
         "2023-02-29", "29/02/2023", "2023-1-2", "2/1/2023", "31/04/2023", "2023/01/02", "2023-13-01",
         "00/01/2023", "", "02-01-2023", "20230102", "２０２３-01-02"]

PROVIDER_RECORD_IDS = [("DL", "A1"), ("DL", "a1"), ("CAN", "A1"), ("ab", "c"), ("a", "bc"), ("DL", "12345"),
                       ("DL", "A1 "), ("DL", "Zoë-1"), ("DL", "x;y=z|w"), ("DL", "1:2"), ("FNP", "0001"),
                       ("FNP", "1"), ("DL", "a" * 64), ("", "A1"), ("DL", "ID with spaces")]


def _result(fn: Callable[[str], str | date], value: str) -> dict[str, str]:
    try:
        out = fn(value)
        return {"output": out.isoformat() if hasattr(out, "isoformat") else out}
    except n.NormalisationFinding as finding:
        return {"finding": finding.code}


def build() -> dict[str, Any]:
    tokeniser = Tokeniser(TEST_KEY, TEST_KEY_ID)
    cases: list[dict[str, Any]] = []
    kinds: list[tuple[str, Callable[[str], str | date], list[str], Callable[[str], str] | None]] = [
             ("nhs_number", n.normalise_nhs_number, nhs_inputs(), tokeniser.nhs_number),
             ("email", n.normalise_email, EMAILS, tokeniser.email),
             ("mobile", n.normalise_mobile, MOBILES, tokeniser.mobile),
             ("postcode", n.normalise_postcode, POSTCODES, None),
             ("gender", n.normalise_gender, GENDERS, None),
             ("first_name_prefix", n.name_prefix, FIRST_NAMES, None),
             ("date_of_birth", n.normalise_date_of_birth, DATES, None)]
    for kind, fn, inputs, make in kinds:
        for value in inputs:
            case: dict[str, Any] = {"kind": kind, "input": value, **_result(fn, value)}
            if make and "output" in case:
                case["token"] = make(case["output"])
            cases.append(case)
    for carer, dob, gender, first in _child_combinations():
        case = {"kind": "child_key", "input": {"carer_email": carer, "date_of_birth": dob, "gender": gender,
                                               "first_name": first}}
        parts = [_result(n.normalise_email, carer), _result(n.normalise_date_of_birth, dob),
                 _result(n.normalise_gender, gender), _result(n.name_prefix, first)]
        if all("output" in p for p in parts) and parts[2]["output"] in KEY_GENDERS:
            e, d, g, p = (x["output"] for x in parts)
            case["canonical"] = {"carer_email": e, "date_of_birth": d, "gender": g, "first_name_prefix": p}
            case["message"] = _message("child_key", (("carer_email", e), ("date_of_birth", d), ("gender", g),
                                                     ("first_name_prefix", p))).decode()
            case["token"] = tokeniser.token("child_key", *case["canonical"].items())
        else:
            case["finding"] = "child_key_incomplete"
        cases.append(case)
    for service, prid in PROVIDER_RECORD_IDS:
        cases.append({"kind": "provider_record_id", "input": {"service_code": service, "provider_record_id": prid},
                      "message": _message("provider_record_id",
                                          (("service_code", service), ("provider_record_id", prid))).decode(),
                      "token": tokeniser.provider_record_id(service, prid)})
    cases.extend(_match_key_cases(tokeniser))
    return {
        "spec": "docs/pseudonymisation-spec.md",
        "spec_version": SPEC_VERSION,
        "test_key": {
            "WARNING": "PUBLIC TEST-ONLY KEY: it is published with the vectors; never use it for real data",
            "hex": TEST_KEY.hex(), "key_id": TEST_KEY_ID, "key_check_value": key_check_value(TEST_KEY),
        },
        "cases": cases,
    }


def _child_combinations() -> list[tuple[str, ...]]:
    base = (" Mum@Family.org.uk ", "2022-03-02", "F", "Zoë")
    combos: list[tuple[str, ...]] = [base, ("mum@family.org.uk", "02/03/2022", "female", "zoe"),
                                     ("MUM@FAMILY.ORG.UK", "2022-03-02", "f", "ZOE")]
    for i, values in enumerate((EMAILS[:20], DATES[:12], GENDERS, FIRST_NAMES)):
        for value in values:
            combo = list(base)
            combo[i] = value
            combos.append(tuple(combo))
    return combos


SOUNDEX_NAMES = ["Robert", "Rupert", "Rubin", "Ashcraft", "Ashcroft", "Tymczak", "Pfister", "Honeyman", "Lloyd",
                 "Olivia", "Oilvia", "Olvia", "Muhammad", "Mohammed", "Mohamed", "Sarah", "Sara", "Zoë", "Zoey",
                 "Caleb", "Kaleb", "Yasmin", "Jasmine", "Anne-Marie", "O'Neil", "Straße", "Øyvind", "Ægir", "Jo",
                 "J", "Bb", "Hw", "Whitworth", "Schwarz", "Tsz-Hin", "Nguyễn", "Þóra", "Анна", "123", "-"]
SWAP_DATES = ["2022-03-11", "2022-11-03", "11/03/2022", "2024-02-29", "2022-01-01", "2022-12-12", "2022-05-31",
              "2019-10-09", "2019-09-10"]
MATCH_KEY_ROWS = [
    ("child", "Olivia", "2022-03-11", "mum@family.org.uk", "07700 900123", "SW9 7AB"),
    ("child", "Oilvia", "11/03/2022", " Mum@Family.org.uk ", "+44 7700 900123", "sw97ab"),
    ("child", "Olivia", "2022-11-03", "mum@family.org.uk", "", " SW9  7AB "),
    ("child", "Zoë", "2021-07-04", "", "07911 123456", "SE24 0AA"),
    ("child", "Zoey", "2021-07-04", "noemail@family.org.uk", "07000000000", "SE240AA"),
    ("child", "Anne-Marie", "2020-02-29", "a.b@c.de", "07911123456", "not a postcode"),
    ("child", "123", "2022-03-11", "mum@family.org.uk", "", "SW9 7AB"),
    ("child", "Olivia", "", "mum@family.org.uk", "07700 900123", "SW9 7AB"),
    ("child", "Olivia", "2022-02-30", "mum@family.org.uk", "", "SW9 7AB"),
    ("child", "", "2022-03-11", "mum@family.org.uk", "", "SW9 7AB"),
    ("adult", "Mohammed", "1990-06-07", "mum@family.org.uk", "07700 900123", "SW9 7AB"),
    ("adult", "Muhammad", "07/06/1990", "", "", "sw9 7ab"),
    ("adult", "Øyvind", "1985-12-01", "", "", ""),
    ("adult", "Seán", "", "", "", "EC1A 1BB"),
]


def _match_key_cases(tokeniser: Tokeniser) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for name in SOUNDEX_NAMES:
        code = soundex(name_letters(name))
        cases.append({"kind": "name_soundex", "input": name, **({"output": code} if code else {"finding": "no_ascii_letter"})})
    for text in SWAP_DATES:
        cases.append({"kind": "dob_unordered", "input": text,
                      "output": dob_unordered(n.normalise_date_of_birth(text))})
    maker = MatchKeyMaker(tokeniser)
    for btype, first, dob_text, email, mobile, postcode in MATCH_KEY_ROWS:
        dob = _result(n.normalise_date_of_birth, dob_text).get("output") if dob_text else None
        born = cast("date | None", dob and n.normalise_date_of_birth(dob))  # an output is never empty
        keys = maker.make(btype, first, born, email, mobile, postcode)
        case = {"kind": "match_keys", "input": {"beneficiary_type": btype, "first_name": first,
                                                "date_of_birth": dob_text, "carer_email": email, "carer_mobile": mobile,
                                                "postcode": postcode},
                "tokens": {k: keys[k] for k in MATCH_KEYS}}
        if keys["mk_name_dob"]:
            fields = (("beneficiary_type", btype), ("name_soundex", soundex(name_letters(first))), ("date_of_birth", dob))
            # the key is made only when its soundex and date exist, so no field is None here
            case["message"] = _message("mk_name_dob", cast("tuple[tuple[str, str], ...]", fields)).decode()
        cases.append(case)
    return cases


def main() -> None:
    VECTORS.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(build()['cases'])} vectors to {VECTORS}")


if __name__ == "__main__":
    main()
