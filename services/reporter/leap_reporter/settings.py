from __future__ import annotations

from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leap_contracts import identity


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTER_", hide_input_in_errors=True)  # never echo a secret

    database_url: SecretStr
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8004
    max_attempts: int = 3
    builder_process: bool = True
    """The read-model builder (consumers, outbox relay) in a process of its own, so it never holds up an
    answer (``leap_reporter.builder_process``); false: inside the API's process."""
    consumers: int = Field(2, ge=1)
    """Kafka consumers of matching.records-matched (up to its partitions): one chunk's decoding overlaps
    another's database writes. Chunks of one upload share a partition, so they still apply in order."""
    # Small-number suppression (leap_reporter.domain.disclosure): on unless an admin asks otherwise.
    suppression: bool = True
    suppression_threshold: int = 7
    rounding_base: int = 5
    # People sign in at the uploader (password + TOTP), which vouches for them with an Ed25519-signed
    # assertion (leap_contracts.identity): its public key, its /sso/reporter URL, and the key signing our cookie.
    # Unset: the tokens below (or an open local demo when they are unset too).
    identity_public_key: str | None = None
    sign_in_url: str | None = None
    session_key: SecretStr | None = None  # no longer used: sessions are server-side (reporter.people_session)
    # The session cookie gets Secure when the request came over https; a proxy at one of these addresses
    # (comma-separated, '*' for any) tells the scheme with X-Forwarded-Proto (leap_contracts.http.edge).
    # cookie_secure=true: Secure always (a TLS-terminating proxy that does not send X-Forwarded-Proto).
    forwarded_allow_ips: str = "127.0.0.1"
    cookie_secure: bool = False
    # /health/* and /metrics only on this port (kept internal), the API and pages only on http_port.
    internal_port: int | None = None
    # Bearer tokens for scripts and tests (and the people's sign-in when the identity key is unset).
    analyst_token: SecretStr | None = None
    admin_token: SecretStr | None = None
    late_after_days: int = 15
    tolerant_linking: bool = False
    """The matcher links tolerantly too (MATCHER_TOLERANT_LINKING, issue 18): its count is shown beside the
    published reach and an admin may choose it for published reach (``/linkage``). Set both together."""
    # The in-memory bitmap reach index (leap_reporter.adapters.reach_index).
    reach_index_min_engagements: int = 200_000
    reach_index_min_interval: float = 30.0
    # While a newer read model is being indexed, answers come from the last index if it held everything
    # at most this many seconds ago (each says as_of / up_to_date); older than that, SQL answers.
    reach_index_max_staleness: float = 300.0
    # "As at" answers (issue 17): indexes of past moments kept in memory, least recently asked dropped first.
    as_at_indexes_kept: int = Field(2, ge=1)
    # The code's version as deployed (a git commit or release tag), recorded in every published return's
    # manifest beside the package version; REPORTER_CODE_VERSION or LEAP_CODE_VERSION (unset: package only).
    code_version: str | None = Field(
        None, validation_alias=AliasChoices("code_version", "REPORTER_CODE_VERSION", "LEAP_CODE_VERSION"))

    @field_validator("identity_public_key")
    @classmethod
    def _public_key_loads(cls, value: str | None) -> str | None:
        if value is not None:
            identity.load_public_key(value)  # ValueError says what is wrong
        return value

    @field_validator("sign_in_url")
    @classmethod
    def _sign_in_url_is_absolute(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
                raise ValueError("REPORTER_SIGN_IN_URL must be the uploader's absolute http(s) URL of /sso/reporter")
        return value

    @model_validator(mode="after")
    def _single_sign_on_is_complete(self) -> "Settings":
        if (self.identity_public_key is None) != (self.sign_in_url is None):
            raise ValueError("set both REPORTER_IDENTITY_PUBLIC_KEY and REPORTER_SIGN_IN_URL, or neither")
        return self

    @property
    def identity_key(self) -> Ed25519PublicKey | None:
        return identity.load_public_key(self.identity_public_key) if self.identity_public_key else None
