"""GET /healthz per CONTRACT.md."""

import pytest

from portal.core import views

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok", "search": "ok"},
    }


def test_a_failing_check_is_named_and_503(client, monkeypatch):
    def broken():
        raise ConnectionError("redis://secret-password@host")

    monkeypatch.setitem(views.CHECKS, "channel_layer", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] == "failing"
    assert response.json()["checks"]["database"] == "ok"
    assert "secret" not in response.content.decode()


@pytest.mark.redis
def test_channel_layer_check_runs_against_real_redis(client):
    from channels.layers import get_channel_layer

    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    assert client.get("/healthz").json()["checks"]["channel_layer"] == "ok"


def test_unreachable_elasticsearch_fails_the_search_check(client, settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"] == "failing"
