from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_")

    database_url: SecretStr
    kafka_bootstrap: str = "127.0.0.1:19092"
    topic_prefix: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8003
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
