from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark tooling beside the product: the fixture builder, the demo
    loader and the synthetic letters. No models."""

    name = "demo"
    verbose_name = "Demo data"
