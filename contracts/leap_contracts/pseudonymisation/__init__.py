"""The pseudonymisation standard: normalisation rules and keyed tokens (reference code).

The written specification is ``docs/pseudonymisation-spec.md``; the test vectors
in ``vectors.json`` bind every implementation (this module, the at-source tool,
the SQL function) to it.
"""

from leap_contracts.pseudonymisation.identify import Identified, RowIdentifier, RowTokens
from leap_contracts.pseudonymisation.keyring import parse_key, parse_previous_keys
from leap_contracts.pseudonymisation.normalise import (
    NormalisationFinding,
    name_prefix,
    normalise_date_of_birth,
    normalise_email,
    normalise_gender,
    normalise_mobile,
    normalise_nhs_number,
    normalise_postcode,
)
from leap_contracts.pseudonymisation.tokens import SPEC_VERSION, Tokeniser, key_check_value

__all__ = [
    "SPEC_VERSION",
    "Identified",
    "NormalisationFinding",
    "RowIdentifier",
    "RowTokens",
    "parse_key",
    "parse_previous_keys",
    "normalise_date_of_birth",
    "Tokeniser",
    "key_check_value",
    "name_prefix",
    "normalise_email",
    "normalise_gender",
    "normalise_mobile",
    "normalise_nhs_number",
    "normalise_postcode",
]
