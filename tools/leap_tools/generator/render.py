"""Canonical row -> the cells a provider's file holds, in every notation the
standard dataset accepts (and the injected defect, if any)."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from leap_tools.generator import names
from leap_tools.generator.layout import FileLayout
from leap_tools.generator.model import Row
from leap_tools.generator.quality import BAD_BENEFICIARY_TYPES, BAD_DATES, REJECTION_COLUMN

Cell = str | dt.date
_YES = ("yes", "true", "1", "Yes", "TRUE", "YES")
_NO = ("no", "false", "0", "No", "FALSE", "NO")


def _case(rand, text: str) -> str:
    roll = rand()
    if roll < 0.6:
        return text
    if roll < 0.75:
        return text.upper()
    if roll < 0.9:
        return text.lower()
    return text.title()


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class Renderer:
    """Renders rows for one file; `native_dates` lets XLSX hold real dates."""

    def __init__(self, rng: random.Random, layout: FileLayout) -> None:
        self.rng = rng
        self.rand = rng.random
        self.columns = layout.columns
        self.native_dates = layout.format == "xlsx"
        self._fns = self._column_fns()

    def date(self, day: dt.date) -> Cell:
        roll = self.rand()
        if self.native_dates and roll < 0.5:
            return day
        if roll < 0.75:
            return day.isoformat()
        return f"{day.day:02d}/{day.month:02d}/{day.year}"

    def nhs(self, digits: str) -> str:
        roll = self.rand()
        if roll < 0.6:
            return digits
        sep = " " if roll < 0.85 else "-"
        return f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"

    def mobile(self, number: str) -> str:
        roll, national = self.rand(), number[1:]
        if roll < 0.35:
            return number
        if roll < 0.6:
            return f"{number[:5]} {number[5:]}"
        if roll < 0.8:
            return f"+44 {national[:4]} {national[4:]}"
        if roll < 0.92:
            return "44" + national
        return "+44" + national

    def email(self, address: str) -> str:
        roll = self.rand()
        if roll < 0.15:
            address = address.upper()
        elif roll < 0.35:
            address = address[0].upper() + address[1:]
        if self.rand() < 0.1:
            address = " " + address + " "
        return address

    def postcode(self, pcd: str) -> str:
        roll = self.rand()
        if roll < 0.5:
            return pcd
        if roll < 0.65:
            return pcd.replace(" ", "")
        if roll < 0.8:
            return pcd.lower()
        if roll < 0.9:
            return pcd.lower().replace(" ", "")
        return f" {pcd.replace(' ', '  ')} "

    def gender(self, gender: str) -> str:
        text = gender if self.rand() < 0.6 else gender[0]
        return _case(self.rand, text)

    def first_name(self, name: str) -> str:
        roll = self.rand()
        if roll < 0.1:
            return _strip_accents(name)
        if roll < 0.15:
            return name.upper()
        if roll < 0.2:
            return name.lower()
        return name

    def attended(self, value: bool | None) -> str:
        if value is None:
            return ""
        words = _YES if value else _NO
        return words[int(self.rand() * len(words))]

    def cells(self, row: Row) -> list[Cell]:
        cells = [fn(row) for fn in self._fns]
        if row.defect is not None:
            column, value = self._defect(row.defect)
            cells[self.columns.index(column)] = value
        return cells

    def _column_fns(self) -> list:
        def opt(attr: str, fmt):
            def cell(row: Row) -> Cell:
                value = getattr(row, attr)
                return "" if value is None else fmt(value)
            return cell

        plain = str
        by_column = {
            "provider_record_id": lambda row: row.prid,
            "beneficiary_type": lambda row: _case(self.rand, row.btype),
            "engagement_date": lambda row: self.date(row.date),
            "nhs_number": opt("nhs", self.nhs),
            "first_name": opt("first_name", self.first_name),
            "last_name": opt("last_name", plain),
            "date_of_birth": opt("dob", self.date),
            "gender": opt("gender", self.gender),
            "email": opt("email", self.email),
            "mobile": opt("mobile", self.mobile),
            "primary_carer_email": opt("carer_email", self.email),
            "primary_carer_mobile": opt("carer_mobile", self.mobile),
            "postcode": opt("postcode", self.postcode),
            "ethnicity": opt("ethnicity", plain),
            "first_language": opt("language", plain),
            "engagement_type": opt("engagement_type", plain),
            "attended": lambda row: self.attended(row.attended),
            "notes": lambda row: names.NOTES[int(self.rand() * len(names.NOTES))],
        }
        return [by_column[c] for c in self.columns]

    def _defect(self, defect: str) -> tuple[str, str]:
        """The column a defect spoils and the value it leaves there."""
        if defect == "invalid_engagement_date":
            return "engagement_date", self.rng.choice(BAD_DATES)
        if defect == "invalid_beneficiary_type":
            return "beneficiary_type", self.rng.choice(BAD_BENEFICIARY_TYPES)
        return REJECTION_COLUMN[defect], ""
