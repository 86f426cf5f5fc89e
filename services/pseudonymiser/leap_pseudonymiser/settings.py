from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leap_contracts.pseudonymisation import Tokeniser, parse_previous_keys


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PSEUDONYMISER_")

    database_url: SecretStr
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8002
    # /health/* and /metrics only on this port (keep it internal), the API only on http_port
    # (leap_contracts.http.edge); unset: one port, operations refused to requests that came through a proxy.
    internal_port: int | None = None
    # A proxy at one of these addresses (comma-separated, '*' any) tells the scheme and client (X-Forwarded-*).
    forwarded_allow_ips: str = "127.0.0.1"
    key: SecretStr = Field(description="The programme key, hex; never in the repository.")
    key_id: str
    previous_keys: SecretStr | None = Field(
        default=None, description="Key rotation: previous keys as key_id:hex[,key_id:hex]; records also get linking "
                                  "tokens under each.")
    match_keys: bool = False
    """Also give every record its match keys (spec §3a), the evidence of tolerant linkage: on wherever the matcher
links tolerantly (MATCHER_TOLERANT_LINKING), off otherwise. Five more tokens a row are about a third of this
service's work and of its records' bytes, which nothing reads while tolerant linkage is off. Records made while
it was off carry none, and tolerant linkage joins them through their identity tokens only."""
    max_attempts: int = 3
    consumers: int = Field(2, ge=1)
    """Kafka consumers of restricted.records-validated (up to its partitions): one chunk's tokenising overlaps
    another's database writes."""

    @field_validator("key")
    @classmethod
    def _key_is_long_hex(cls, value: SecretStr) -> SecretStr:
        try:
            raw = bytes.fromhex(value.get_secret_value())
        except ValueError as exc:
            raise ValueError("PSEUDONYMISER_KEY must be hex") from exc
        if len(raw) < 32:
            raise ValueError("PSEUDONYMISER_KEY must hold at least 32 bytes (64 hex characters)")
        return value

    @field_validator("previous_keys")
    @classmethod
    def _previous_keys_parse(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parse_previous_keys(value.get_secret_value())
        return value

    @property
    def previous_tokenisers(self) -> list[Tokeniser]:
        return parse_previous_keys(self.previous_keys.get_secret_value()) if self.previous_keys else []

    @property
    def key_bytes(self) -> bytes:
        return bytes.fromhex(self.key.get_secret_value())
