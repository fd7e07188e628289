"""A name must show something: one rule (letters/lib/names.py) for imports and forms."""

import pytest

from letters.lib.names import is_invisible_name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "\u3164",  # Hangul filler, alone
        "\u3164\u3164 \u3164",
        "\u115f\u1160",
        "\uffa0",
        "\u2800",  # blank Braille pattern
        "\u0301\u0302\u0303",  # only combining marks
        "\u200b\u200d\ufeff",  # zero-width characters
        "\u202e",  # a right-to-left override and nothing else
    ],
)
def test_names_that_show_nothing_are_invisible(name):
    assert is_invisible_name(name)


@pytest.mark.parametrize(
    "name",
    ["A", "Zoë", "\u3164A", "e\u0301", "李", "محمد", "Ølstykke", "0x0000ff", "★"],
)
def test_names_with_anything_to_see_are_visible(name):
    assert not is_invisible_name(name)
