"""Public URL slugs: one rule for turning a name into a slug that nothing else holds."""

from collections.abc import Callable

from django.utils.text import slugify

# Room left in a 200-character slug field for a "-123" suffix.
BASE_MAX_LENGTH = 180


def unique_slug(name: str, is_taken: Callable[[str], bool], fallback: str) -> str:
    """`name` as a slug ('5 Rights Org' → '5-rights-org'), with -2, -3, … added until
    `is_taken` says no; `fallback` when the name has no letter or digit to keep."""
    base = slugify(name)[:BASE_MAX_LENGTH] or fallback
    slug, suffix = base, 2
    while is_taken(slug):
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug
