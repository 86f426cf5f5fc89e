from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTER_")

    database_url: SecretStr
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8004
    max_attempts: int = 3
    # Small-number suppression (leap_reporter.domain.disclosure): on unless an admin asks otherwise.
    suppression: bool = True
    suppression_threshold: int = 7
    rounding_base: int = 5
    # Sign-in. TODO(shared identity): replace both tokens by the uploader's accounts with TOTP
    # (see README "Sign-in"); until then the analyst token guards pages and API when set.
    analyst_token: SecretStr | None = None
    admin_token: SecretStr | None = None
    late_after_days: int = 15
    # The in-memory bitmap reach index (leap_reporter.adapters.reach_index).
    reach_index_min_engagements: int = 200_000
    reach_index_min_interval: float = 30.0
