"""A measure's result scale: which written results are accepted, their canonical form, and which are positive.

Pure. ``Scale.read(text)`` gives ``(canonical, positive)`` or raises ``ValueError`` with a message that says
what is accepted (never the value itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

_YES = {"yes": "yes", "y": "yes", "true": "yes", "1": "yes", "no": "no", "n": "no", "false": "no", "0": "no"}


@dataclass(frozen=True)
class Scale:
    kind: Literal["yes_no", "choice", "number"]
    values: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)
    at_least: Decimal | None = None
    whole: bool = False

    def describe(self) -> str:
        if self.kind == "yes_no":
            return "yes or no (also y/n, true/false, 1/0)"
        if self.kind == "choice":
            return "one of " + ", ".join(self.values)
        what = "a whole number" if self.whole else "a number"
        return f"{what} from {self.low} to {self.high}"

    def read(self, text: str) -> tuple[str, bool]:
        t = text.strip().lower()
        if self.kind == "yes_no":
            if t not in _YES:
                raise ValueError(self.describe())
            canonical = _YES[t]
            return canonical, canonical == "yes"
        if self.kind == "choice":
            if t not in self.values:
                raise ValueError(self.describe())
            return t, t in self.positive
        try:
            value = Decimal(t)
        except InvalidOperation:
            raise ValueError(self.describe()) from None
        if not value.is_finite() or not (self.low <= value <= self.high) or (self.whole and value != value.to_integral()):
            raise ValueError(self.describe())
        canonical = str(value.normalize()) if value != value.to_integral() else str(int(value))
        return canonical, self.at_least is not None and value >= self.at_least


def yes_no() -> Scale:
    return Scale("yes_no")


def choice(values: tuple[str, ...], positive: tuple[str, ...]) -> Scale:
    return Scale("choice", values=values, positive=positive)


def number(low: float, high: float, at_least: float, whole: bool = False) -> Scale:
    return Scale("number", low=Decimal(str(low)), high=Decimal(str(high)), at_least=Decimal(str(at_least)), whole=whole)
