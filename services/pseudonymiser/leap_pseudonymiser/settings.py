from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PSEUDONYMISER_")

    database_url: SecretStr
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8002
    key: SecretStr = Field(description="The programme key, hex; never in the repository.")
    key_id: str
    max_attempts: int = 3

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

    @property
    def key_bytes(self) -> bytes:
        return bytes.fromhex(self.key.get_secret_value())
