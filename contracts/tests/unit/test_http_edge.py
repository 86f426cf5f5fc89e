"""The shared HTTP edge: bad bytes a 400 naming where (never the value), form bodies checked and replayed,
operations endpoints kept internal."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Form

from leap_contracts.http import harden
from leap_contracts.http.bad_bytes import problem_in


def _app(**options) -> FastAPI:
    app = FastAPI()

    @app.get("/items/{name}")
    async def item(name: str, q: str = "") -> dict:
        return {"name": name, "q": q}

    @app.post("/form")
    async def form(field: str = Form("")) -> dict:
        return {"field": field}

    @app.get("/metrics")
    async def metrics() -> dict:
        return {}

    return harden(app, **options)


async def _get(app, url, port=80, **kwargs):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://t:{port}") as c:
        return await c.request(kwargs.pop("method", "GET"), httpx.URL(url), **kwargs)


@pytest.mark.parametrize("url, where", [("/items/a?q=%00", "parameter 'q' holds a NUL"),
                                        ("/items/a?q=%1b", "control character U+001B"),
                                        ("/items/a?q=%ff", "parameter 'q' is not valid UTF-8"),
                                        ("/items/a?%00=1", "a parameter name"),
                                        ("/items/a%00b", "the path holds a NUL"),
                                        ("/items/%c3%28", "the path is not valid UTF-8")])
async def test_bad_bytes_in_the_request_line_are_a_400_saying_where(url, where):
    response = await _get(_app(), url)
    assert response.status_code == 400 and where in response.json()["detail"]


async def test_good_text_passes_untouched():
    response = await _get(_app(), "/items/caf%C3%A9?q=Tower+Hamlets%20%E2%80%93%20north")
    assert response.json() == {"name": "café", "q": "Tower Hamlets – north"}


async def test_headers_with_bad_bytes_are_refused_but_tab_is_allowed():
    assert (await _get(_app(), "/items/a", headers={"X-A": b"\xff\xfe"})).status_code == 400
    assert (await _get(_app(), "/items/a", headers={"X-A": b"a\tb"})).status_code == 200


async def test_form_fields_are_checked_and_the_body_replayed():
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    bad = await _get(_app(), "/form", method="POST", content=b"field=a%00b", headers=form)
    assert bad.status_code == 400 and "form field 'field'" in bad.json()["detail"]
    good = await _get(_app(), "/form", method="POST", content=b"field=ok+%C3%A9", headers=form)
    assert good.json() == {"field": "ok é"}


async def test_operations_are_refused_through_a_proxy_and_only_on_the_internal_port():
    shared = _app()
    assert (await _get(shared, "/metrics")).status_code == 200
    assert (await _get(shared, "/metrics", headers={"X-Forwarded-For": "1.2.3.4"})).status_code == 404
    split = _app(internal_port=9000)
    assert (await _get(split, "/metrics", port=80)).status_code == 404
    assert (await _get(split, "/metrics", port=9000)).status_code == 200
    assert (await _get(split, "/items/a", port=9000)).status_code == 404


def test_problem_in_never_repeats_the_value():
    assert problem_in(b"secret\x00value", "field 'x'") == "field 'x' holds a NUL: remove it"
    assert problem_in("fine é".encode(), "x") is None
