from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_search_index(sender: AppConfig, using: str, **kwargs: Any) -> None:
    from .search_index import ensure_search_index

    ensure_search_index(using)


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Open letters"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)

        post_migrate.connect(create_search_index, sender=self)
