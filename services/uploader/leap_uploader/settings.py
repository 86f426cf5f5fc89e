from __future__ import annotations

import base64
import binascii

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseSettings):
    """What the admin command needs: only the database."""

    model_config = SettingsConfigDict(env_prefix="UPLOADER_")

    database_url: SecretStr


class Settings(DatabaseSettings):
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8001
    storage_key: SecretStr = Field(description="AES-256 key for stored files, base64 of 32 bytes; never in the repository.")
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_xlsx_expanded_bytes: int = Field(default=2 * 1024 * 1024 * 1024, gt=0,
                                         description="Refuse workbooks whose parts unzip to more than this.")
    max_rejected_share: float = Field(default=0.5, ge=0.0, le=1.0)
    max_attempts: int = 3
    temp_dir: str | None = Field(default=None, description="Where uploads are spooled; the system default if unset.")

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
