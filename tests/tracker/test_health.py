"""The health endpoint: 200 when the database answers, 503 when it does not; never cached,
never a cookie."""

from django.db import OperationalError


def test_health_is_ok_when_the_database_answers(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response.headers["Cache-Control"]
    assert not response.cookies


def test_health_answers_head_requests(client, db):
    assert client.head("/health/").status_code == 200


def test_health_refuses_posts(client, db):
    assert client.post("/health/").status_code == 405


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_health_is_503_when_the_database_is_unreachable(client, monkeypatch, caplog):
    monkeypatch.setattr("tracker.health.connection", UnreachableDatabase())

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    assert "no-store" in response.headers["Cache-Control"]
    assert not response.cookies
    assert "database is unreachable" in caplog.text


def test_health_is_not_redirected_to_https(client, db, settings):
    """Load balancers probe over plain http even when the site redirects to HTTPS (the
    exemption that HTTPS=true sets, see test_production_settings)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health/$"]

    assert client.get("/health/").status_code == 200
    assert client.get("/").status_code == 301
