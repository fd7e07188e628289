from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Open letters"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
