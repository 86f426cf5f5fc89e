"""Pure rules of sign-in: growing waits instead of a lockout; single sign-on returns only to the callback."""

import pytest

from leap_uploader.domain.throttle import Bucket, delay, wait_seconds
from leap_uploader.service.single_sign_on import allowed_return


def test_waits_grow_after_the_free_failures_up_to_the_cap():
    assert [delay(n, 5, 900) for n in range(4, 12)] == [0, 1, 2, 4, 8, 16, 32, 64]
    assert delay(40, 5, 900) == 900 and delay(10**6, 5, 900) == 900


def test_the_longest_wait_of_any_bucket_counts_and_time_served_is_deducted():
    assert wait_seconds([Bucket(8, 3.0, 5), Bucket(2, 0.0, 30)], 900) == 5
    assert wait_seconds([Bucket(8, 10.0, 5)], 900) == 0
    assert wait_seconds([Bucket(6, 0.5, 5)], 900) == 2  # rounded up: 1.5 s
    assert wait_seconds([], 900) == 0


@pytest.mark.parametrize("return_to, base, ok", [
    ("https://r.example/dash/signin/callback?next=%2F&state=x", "https://r.example/dash", True),
    ("https://r.example/dash/signin/callback", "https://r.example/dash/", True),
    ("https://r.example/signin/callback", "https://r.example", True),
    ("https://r.example:443/signin/callback", "https://r.example", True),
    ("https://r.example/quality", "https://r.example", False),
    ("https://r.example/", "https://r.example", False),
    ("https://r.example/signin/callback/", "https://r.example", False),
    ("https://R.example/signin/callback", "https://r.example", True),
    # the local platform: 127.0.0.1, localhost and [::1] stand for one another, on the same port
    ("http://localhost:8004/signin/callback?next=%2F", "http://127.0.0.1:8004", True),
    ("http://127.0.0.1:8004/signin/callback", "http://localhost:8004", True),
    ("http://[::1]:8004/signin/callback", "http://127.0.0.1:8004", True),
    ("http://localhost:8005/signin/callback", "http://127.0.0.1:8004", False),
    ("http://localhost/signin/callback", "http://127.0.0.1:8004", False),
    ("http://localhost:8004/signin/callback", "http://reports.example:8004", False),  # not for a real name
    ("http://localhost.evil.example:8004/signin/callback", "http://127.0.0.1:8004", False),
    ("http://127.0.0.1:8004@evil.example/signin/callback", "http://127.0.0.1:8004", False),
])
def test_single_sign_on_returns_only_to_the_callback(return_to, base, ok):
    assert allowed_return(return_to, base) is ok
