from __future__ import annotations

import base64
import binascii

from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leap_contracts import identity


class DatabaseSettings(BaseSettings):
    """What the admin command needs: only the database."""

    model_config = SettingsConfigDict(env_prefix="UPLOADER_", hide_input_in_errors=True)  # never echo a secret

    database_url: SecretStr


class Settings(DatabaseSettings):
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8001
    # /health/* and /metrics only on this port (keep it internal), the API only on http_port
    # (leap_contracts.http.edge); unset: one port, operations refused to requests that came through a proxy.
    internal_port: int | None = None
    # A proxy at one of these addresses (comma-separated, '*' any) tells the scheme and client (X-Forwarded-*).
    forwarded_allow_ips: str = "127.0.0.1"
    storage_key: SecretStr = Field(description="AES-256 key for stored files, base64 of 32 bytes; never in the repository.")
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_xlsx_expanded_bytes: int = Field(default=2 * 1024 * 1024 * 1024, gt=0,
                                         description="Refuse workbooks whose parts unzip to more than this.")
    xlsx_memory_bytes: int = Field(default=768 * 1024 ** 2, ge=256 * 1024 * 1024, description=(
        "Address space (RLIMIT_AS) of the child process that reads a workbook; one needing more is refused. "
        "Each upload validated at once (validation_consumers) may use this much on top of the service."))
    max_rejected_share: float = Field(default=0.5, ge=0.0, le=1.0)
    max_attempts: int = 3
    validation_consumers: int = Field(2, ge=1)
    """Uploads validated at once (Kafka consumers of uploads.file-received, up to its partitions): one file's
    Python work overlaps another's database writes."""
    temp_dir: str | None = Field(default=None, description="Where uploads are spooled; the system default if unset.")
    cookie_secure: bool = Field(default=True, description="Secure flag on cookies; browsers honour it on "
                                "http://localhost too. Only turn off behind a TLS-terminating proxy on another name.")
    session_seconds: int = Field(default=8 * 3600, gt=0)
    session_idle_seconds: int = Field(default=30 * 60, gt=0)
    # Sign-in throttling, never a lockout (leap_uploader.domain.throttle): past the free failures, attempts wait
    # 1, 2, 4 ... seconds after the last failure, at most sign_in_lock_seconds; failures are kept for an hour.
    sign_in_max_failures: int = Field(default=5, gt=0, description="Free failures per account (from browsers "
                                      "that never signed in to it) and per known device, before waits begin.")
    sign_in_lock_seconds: int = Field(default=15 * 60, gt=0, description="The longest wait between attempts.")
    sign_in_address_limit: int = Field(default=30, gt=0, description="Free failures per client address.")
    sign_in_alert_failures: int = Field(default=10, gt=0, description="Failures of one account in an hour that "
                                        "alert the admins (audit sign_in.alert, shown on /admin).")
    pseudo_key_id: str | None = Field(default=None, description="Key id at-source manifests must name (public).")
    pseudo_key_check_value: str | None = Field(default=None,
                                               description="Key check value at-source manifests must carry (public).")

    identity_signing_key: SecretStr | None = Field(
        default=None, description="Ed25519 private key (base64 of 32 raw bytes, or PEM) signing the sign-in "
        "assertions this uploader gives the reporter (/sso/reporter); unset: no single sign-on.")
    reporter_url: str | None = Field(default=None, description="The reporter's public base URL: /sso/reporter "
                                     "only sends people back to its /signin/callback.")
    matcher_url: str | None = Field(default=None, description="The matcher's public base URL, for /sso/matcher "
                                    "(analysts and admins reading explanations); unset: no sign-in to the matcher.")

    @field_validator("identity_signing_key")
    @classmethod
    def _signing_key_loads(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            identity.load_private_key(value.get_secret_value())  # ValueError says what is wrong, never the key
        return value

    @field_validator("reporter_url", "matcher_url")
    @classmethod
    def _reporter_url_is_absolute(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("UPLOADER_REPORTER_URL and UPLOADER_MATCHER_URL must be absolute http(s) URLs "
                             "without query, e.g. https://reports.example.org")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _single_sign_on_needs_both(self) -> "Settings":
        if (self.identity_signing_key is None) != (self.reporter_url is None):
            raise ValueError("set both UPLOADER_IDENTITY_SIGNING_KEY and UPLOADER_REPORTER_URL, or neither")
        if self.matcher_url is not None and self.identity_signing_key is None:
            raise ValueError("UPLOADER_MATCHER_URL needs UPLOADER_IDENTITY_SIGNING_KEY")
        return self

    @property
    def identity_key(self) -> Ed25519PrivateKey | None:
        key = self.identity_signing_key
        return identity.load_private_key(key.get_secret_value()) if key is not None else None

    @field_validator("storage_key")
    @classmethod
    def _key_is_32_bytes_base64(cls, value: SecretStr) -> SecretStr:
        try:
            raw = base64.b64decode(value.get_secret_value(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("UPLOADER_STORAGE_KEY must be base64") from exc
        if len(raw) != 32:
            raise ValueError("UPLOADER_STORAGE_KEY must decode to exactly 32 bytes")
        return value

    @property
    def storage_key_bytes(self) -> bytes:
        return base64.b64decode(self.storage_key.get_secret_value())
