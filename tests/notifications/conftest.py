import pytest


@pytest.fixture(autouse=True)
def no_minimum_fill_time(settings):
    settings.SIGNUP_MIN_SECONDS = 0


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://tracker.example"
