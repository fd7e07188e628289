"""Names that would show as nothing on a page (letters/lib/text.py `is_invisible`)."""

import pytest

from letters.lib.text import is_invisible


@pytest.mark.parametrize(
    "name",
    [
        "",
        "\u3164",  # HANGUL FILLER, the usual "invisible name"
        "\u3164\u3164 \u3164",
        "\u115f\u1160\uffa0",  # the other Hangul fillers
        "\u2800",  # BRAILLE PATTERN BLANK
        "\u0301\u0302\u0303",  # combining accents with nothing to sit on
        "\u200b\u200d\u2060",  # zero-width characters
        "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces
        "\u17b4\u17b5",  # Khmer inherent vowels
        "\U000e0041",  # a tag character
    ],
)
def test_names_that_show_nothing_are_invisible(name):
    assert is_invisible(name)


@pytest.mark.parametrize(
    "name",
    ["Ada", "\u3164Ada", "e\u0301", "李", "محمد", ".", "ঠাকুর", "\U0001f600"],
)
def test_one_visible_character_is_enough(name):
    assert not is_invisible(name)
