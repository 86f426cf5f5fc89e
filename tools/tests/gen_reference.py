"""A second, independent reading of the standard dataset's rules, applied to
the cells of the generated files (not to the generator's canonical values).

Used by the tests to check that what was written means what truth.json says.
It deliberately shares no code with the generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

PLACEHOLDER_EMAILS = {"noemail@nhs.net", "none@none.com", "no@email.com"}
JUNK_NHS = {str(d) * 10 for d in range(10)}
JUNK_MOBILES = {"07000000000"}
ADULT_TYPES = {"adult", "parent", "carer", "pregnant woman"}
GENDERS = {"f": "female", "female": "female", "m": "male", "male": "male",
           "o": "other", "other": "other", "u": "unknown", "unknown": "unknown"}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY.match(text)
        if not m:
            return None
        d, mo, y = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def nhs_digits(value: str) -> str:
    return re.sub(r"[ -]", "", value.strip())


def mod11_ok(digits: str) -> bool:
    if not re.fullmatch(r"\d{10}", digits):
        return False
    rem = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    check = (11 - rem) % 11
    return check != 10 and check == int(digits[9])


def mobile(value: str) -> str | None:
    digits = re.sub(r"[ ]", "", value.strip())
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits if re.fullmatch(r"07\d{9}", digits) else None


def first3(name: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"['’\- ]", "", text.lower())[:3]


def load_wards(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["pcd"].replace(" ", "").upper(): r["ward_name"] for r in csv.DictReader(handle)}


def check_row(rec: dict) -> tuple[str | None, str | None]:
    """(rejected column, beneficiary kind)."""
    if not str(rec.get("provider_record_id", "")).strip():
        return "provider_record_id", None
    btype = str(rec.get("beneficiary_type", "")).strip().lower()
    if btype != "child" and btype not in ADULT_TYPES:
        return "beneficiary_type", None
    if parse_date(rec.get("engagement_date", "")) is None:
        return "engagement_date", None
    if btype == "child":
        if not str(rec.get("first_name", "")).strip():
            return "first_name", None
        if parse_date(rec.get("date_of_birth", "")) is None:
            return "date_of_birth", None
    return None, "child" if btype == "child" else "adult"


class Reference:
    """Global union-find over every accepted row of every file."""

    def __init__(self, wards: dict[str, str]) -> None:
        self.wards = wards
        self.parent: list[int] = []
        self.owner: dict[tuple, int] = {}
        self.facts: list[tuple[str, str | None, int, bool]] = []  # service, ward, year, attended
        self.rejected: dict[str, Counter] = defaultdict(Counter)
        self.warnings: dict[str, Counter] = defaultdict(Counter)
        self.first_date, self.last_date = dt.date.max, dt.date.min

    def _find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def add(self, service: str, rec: dict) -> None:
        column, kind = check_row(rec)
        if column is not None:
            self.rejected[service][column] += 1
            return
        keys = [("prid", service, str(rec["provider_record_id"]).strip())]
        warn = self.warnings[service]
        nhs = str(rec.get("nhs_number", "")).strip()
        if nhs:
            digits = nhs_digits(nhs)
            if digits in JUNK_NHS:
                warn["junk_nhs_number"] += 1
            elif not mod11_ok(digits):
                warn["invalid_nhs_number"] += 1
            else:
                keys.append(("nhs", digits))
        own = str(rec.get("email", "")).strip().lower()
        carer = str(rec.get("primary_carer_email", "")).strip().lower()
        if own in PLACEHOLDER_EMAILS or carer in PLACEHOLDER_EMAILS:
            warn["placeholder_email"] += 1
        mob = mobile(str(rec.get("mobile", "")))
        carer_mob = mobile(str(rec.get("primary_carer_mobile", "")))
        if mob in JUNK_MOBILES or carer_mob in JUNK_MOBILES:
            warn["junk_mobile"] += 1
        if kind == "adult":
            if own and own not in PLACEHOLDER_EMAILS:
                keys.append(("email", own))
            if mob and mob not in JUNK_MOBILES:
                keys.append(("mobile", mob))
        else:
            gender = GENDERS.get(str(rec.get("gender", "")).strip().lower())
            if carer and carer not in PLACEHOLDER_EMAILS and gender:
                dob = parse_date(rec["date_of_birth"])
                keys.append(("child", carer, dob, gender, first3(str(rec["first_name"]).strip())))
        i = len(self.parent)
        self.parent.append(i)
        for key in keys:
            j = self.owner.setdefault(key, i)
            a, b = self._find(i), self._find(j)
            if a != b:
                self.parent[max(a, b)] = min(a, b)
        pcd = str(rec.get("postcode", "")).replace(" ", "").upper()
        day = parse_date(rec["engagement_date"])
        self.first_date, self.last_date = min(self.first_date, day), max(self.last_date, day)
        attended = str(rec.get("attended", "")).strip().lower() not in {"no", "n", "false", "0"}
        self.facts.append((service, self.wards[pcd] if pcd else None, day.year, attended))

    def figures(self) -> dict:
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            members[self._find(i)].append(i)
        by_service, by_ward, by_year, unique = Counter(), Counter(), Counter(), 0
        for rows in members.values():
            facts = [self.facts[i] for i in rows if self.facts[i][3]]  # reach counts attended contacts
            unique += bool(facts)
            by_service.update({f[0] for f in facts})
            by_ward.update({f[1] for f in facts if f[1]})
            by_year.update({str(f[2]) for f in facts})
        return {"unique": unique, "by_service": by_service,
                "by_ward": by_ward, "by_year": by_year}
