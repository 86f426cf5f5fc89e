"""Every event the platform publishes, by area. Import them from here.

Past-tense facts with the version in the name; each names its topic
(``TOPIC``). Within a version only optional fields may be added; anything else
is a new ``...V2`` model on a new topic. Models on restricted topics say so in
their docstring and carry clear personal data; every other model carries none.
"""

from leap_contracts.events.base import BeneficiaryType, Event, Gender, IdentifierType, Part  # noqa: F401 (re-exported)
# Every model of each area is this package's API: a new event is added in its area's module only (EVENT_TYPES
# below finds it as a subclass), never listed a second time here; hence the star imports.
from leap_contracts.events.beneficiaries import *  # noqa: F403
from leap_contracts.events.linkage import *  # noqa: F403
from leap_contracts.events.outcomes import *  # noqa: F403
from leap_contracts.events.records import *  # noqa: F403
from leap_contracts.events.reporting import *  # noqa: F403
from leap_contracts.events.uploads import *  # noqa: F403


def _all_events(base: type[Event]) -> list[type[Event]]:
    found = []
    for sub in base.__subclasses__():
        found.extend([sub, *_all_events(sub)])
    return found


EVENT_TYPES: dict[str, type[Event]] = {m.__name__: m for m in _all_events(Event)}
"""Event type name (as in the envelope) -> model."""
