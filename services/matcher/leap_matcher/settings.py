from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leap_matcher.domain.tolerant.model import TolerantSettings

_TOLERANT = TolerantSettings()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_", hide_input_in_errors=True)  # never echo a secret

    database_url: SecretStr
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8003
    # /health/* and /metrics only on this port (keep it internal), the API only on http_port
    # (leap_contracts.http.edge); unset: one port, operations refused to requests that came through a proxy.
    internal_port: int | None = None
    # A proxy at one of these addresses (comma-separated, '*' any) tells the scheme and client (X-Forwarded-*).
    forwarded_allow_ips: str = "127.0.0.1"
    max_attempts: int = 5
    pool_size: int = 6  # the relay holds one; each consumer and the API use one at a time
    workers: int = Field(1, ge=1)
    """Processes of this instance (``leap_matcher.workers``); Python uses one core per process, so set it
    to the cores the instance has. Each runs ``consumers`` consumers."""
    consumers: int = 3
    """Kafka consumers of records-pseudonymised in each worker, each on its own partitions: PostgreSQL
    works on one chunk while Python prepares the next. Instances x workers x consumers up to the partition count."""
    junk_max_birth_months: int = 3
    """An identifier on records with more distinct birth months than this is quarantined as junk."""
    junk_max_providers: int = 10
    """... or on records of more providers than this."""
    tolerant_linking: bool = False
    """Also link records tolerantly (issue 18, leap_matcher.service.tolerant_linking): its own consumer group
    beside the exact path, fuzzy links, the review queue; its results go to the reporter (tolerant references,
linkage-quality figures). Set REPORTER_TOLERANT_LINKING to the same value."""
    tolerant_link_at: float = _TOLERANT.link_at
    """Score (bits) from which a fuzzy link is made (make linkage-quality measures the choice); by default the
    domain's, which the linkage-quality benchmark and every test of the partition use."""
    tolerant_review_from: float = _TOLERANT.review_from
    """Scores from here up to tolerant_link_at go to the review queue."""
    tolerant_quality_interval: float = Field(10.0, gt=0)
    """Seconds between looks at whether tolerant linkage changed; when it did, the linkage-quality figures are
    measured again and published (LinkageQualityMeasuredV1)."""

    # Who may read an individual's explanation (leap_matcher.api.access): nobody unless one of these is set.
    analyst_token: SecretStr | None = None
    """Bearer token of analysts' scripts: explanations as suppression allows (no upload ids, rows, attributes)."""
    admin_token: SecretStr | None = None
    """Bearer token of admins' scripts: the whole explanation, to trace a provider's row."""
    identity_public_key: str | None = None
    """The uploader's Ed25519 public key: people sign in as at the reporter (the uploader's /sso/matcher)."""
    sign_in_url: str | None = None
    """The uploader's absolute URL of /sso/matcher."""
    cookie_secure: bool = False
    """Secure on the session cookie always (else when the request, or a trusted proxy, says https)."""
    explanations_per_minute: int = Field(30, gt=0)
    """Explanations one caller (or one address refused) may ask for per minute: references cannot be walked."""

    @field_validator("identity_public_key")
    @classmethod
    def _public_key_loads(cls, value: str | None) -> str | None:
        if value is not None:
            from leap_contracts import identity
            identity.load_public_key(value)  # ValueError says what is wrong
        return value

    @model_validator(mode="after")
    def _single_sign_on_is_complete(self) -> "Settings":
        if (self.identity_public_key is None) != (self.sign_in_url is None):
            raise ValueError("set both MATCHER_IDENTITY_PUBLIC_KEY and MATCHER_SIGN_IN_URL, or neither")
        if self.sign_in_url is not None:
            parts = urlsplit(self.sign_in_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
                raise ValueError("MATCHER_SIGN_IN_URL must be the uploader's absolute http(s) URL of /sso/matcher")
        return self
