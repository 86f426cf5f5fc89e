"""Wire the service objects once, from settings and a pool; the app and the tests both use this."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from leap_uploader.adapters.encryption import FileCipher
from leap_uploader.metrics import Metrics
from leap_uploader.service.completing import Completion
from leap_uploader.service.receiving import Receiving
from leap_uploader.service.validating import Validation
from leap_uploader.settings import Settings


@dataclass
class Services:
    settings: Settings
    pool: asyncpg.Pool
    metrics: Metrics
    receiving: Receiving
    validation: Validation
    completion: Completion


def build(settings: Settings, pool: asyncpg.Pool, metrics: Metrics) -> Services:
    cipher = FileCipher(settings.storage_key_bytes)
    return Services(
        settings=settings,
        pool=pool,
        metrics=metrics,
        receiving=Receiving(pool, cipher, settings.topic_prefix, settings.max_xlsx_expanded_bytes,
                            settings.pseudo_key_id, settings.pseudo_key_check_value),
        validation=Validation(pool, cipher, settings.topic_prefix, settings.max_rejected_share,
                              settings.max_xlsx_expanded_bytes, settings.temp_dir, settings.xlsx_memory_bytes),
        completion=Completion(pool),
    )
