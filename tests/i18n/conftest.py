import pytest
from django.conf import settings
from django.utils import translation

from .catalogues import compile_messages


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """The French catalogues compiled, as `make test` compiles them first."""
    compile_messages()


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request to a French page leaves French active in this thread (LocaleMiddleware
    activates a language and nothing resets it): the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
