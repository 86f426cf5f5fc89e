"""The switch between the tests' servers: containers of the project's images, or the local servers."""

from __future__ import annotations

import pytest

from leap_contracts import testing_containers, testing_servers


def test_an_explicit_choice_wins(monkeypatch):
    for chosen in ("containers", "local", " Containers "):
        monkeypatch.setenv("LEAP_TEST_SERVERS", chosen)
        assert testing_servers.mode() == chosen.strip().lower()


def test_an_unknown_choice_is_refused_saying_what_is_allowed(monkeypatch):
    monkeypatch.setenv("LEAP_TEST_SERVERS", "kubernetes")
    with pytest.raises(ValueError, match="containers, local"):
        testing_servers.mode()


def test_unset_means_containers_only_when_the_engine_answers(monkeypatch):
    monkeypatch.delenv("LEAP_TEST_SERVERS", raising=False)
    monkeypatch.setattr(testing_servers, "engine_answers", lambda: True)
    assert testing_servers.mode() == "containers"
    monkeypatch.setattr(testing_servers, "engine_answers", lambda: False)
    assert testing_servers.mode() == "local"


def test_no_engine_where_the_socket_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("LEAP_DOCKER_HOST", f"unix://{tmp_path}/docker.sock")
    assert testing_servers.engine_answers() is False


def test_the_containers_are_the_images_make_images_builds():
    assert testing_containers.image("postgres") == "leap/postgres:15"
    assert testing_containers.image("kafka").startswith("leap/kafka:")
    with pytest.raises(LookupError):
        testing_containers.image("redis")


def test_the_container_keeps_the_local_clusters_settings_but_not_where_it_listens():
    settings = testing_containers._postgres_settings()
    assert "max_locks_per_transaction = 256" in settings and "fsync = on" in settings
    assert "listen_addresses" not in settings and "@" not in settings and "unix_socket" not in settings
    assert not any(line.startswith("port") for line in settings.splitlines())


def test_a_database_name_is_checked_before_it_reaches_psql():
    for bad in ("leap", "postgres", "Robert'); DROP", "x" * 64):
        with pytest.raises(ValueError):
            testing_containers._check_name(bad)
    testing_containers._check_name("test_e2e_0a1b2c3d")


def test_a_database_is_swapped_into_a_dsn():
    dsn = "postgresql://postgres:pw@127.0.0.1:5432/postgres"
    assert testing_servers.with_database(dsn, "test_x") == "postgresql://postgres:pw@127.0.0.1:5432/test_x"
    local = testing_servers.LOCAL_ADMIN_DSN
    assert testing_servers.with_database(local, "test_x").startswith("postgresql://postgres@/test_x?host=")
