import gc

from leap_matcher import gc_tuning


def test_collections_are_rare_and_startup_objects_frozen():
    before = gc.get_threshold()
    try:
        gc_tuning.tune()
        assert gc.get_threshold()[0] == 100_000 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
