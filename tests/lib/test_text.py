"""How a name is normalised (letters/lib/text.py): one rule for search and matching, which
ignores case, accents, Unicode forms, apostrophes, quotes, dots, hyphens and commas."""

import pytest

from letters.lib.text import normalise

SAME_NAMES = [
    ("Barnardo's", "Barnardos"),
    ("Barnardo’s", "BARNARDOS"),
    ("Barnardo‘s", "barnardo`s"),
    ("Save-the-Children", "Save the Children"),
    ("Save–the—Children", "save the children"),
    ("U.K. Safer Internet Centre", "UK Safer Internet Centre"),
    ("Müller-Lüdenscheid e.V.", "Muller Ludenscheid eV"),
    ("The “Privacy First” Group", 'The "Privacy First" Group'),
    ("«Liberté»", "Liberte"),
    ("O’Brien & Sons", "OBrien & Sons"),
    ("Sofía  Núñez", "sofia nunez"),
    ("Straße", "STRASSE"),
    ("ﬁnance ﬁrst", "Finance First"),
    ("Jean‑Luc Picard", "Jean Luc Picard"),
    ("Ａｐｐｌｅ．", "apple"),
    ("Meta Platforms, Inc.", "Meta Platforms Inc"),
    ("Smith,John", "Smith John"),
]

DIFFERENT_NAMES = [
    ("AT&T", "ATT"),
    ("Open Rights Group", "Open Right Group"),
    ("100% Privacy", "100 Privacy"),
    ("Amnesty (UK)", "Amnesty UK"),
]


@pytest.mark.parametrize(("one", "other"), SAME_NAMES)
def test_names_that_differ_only_in_case_accents_and_punctuation_are_the_same(one, other):
    assert normalise(one) == normalise(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT_NAMES)
def test_other_characters_still_tell_names_apart(one, other):
    assert normalise(one) != normalise(other)


@pytest.mark.parametrize("name", [name for pair in SAME_NAMES + DIFFERENT_NAMES for name in pair])
def test_normalising_twice_changes_nothing(name):
    assert normalise(normalise(name)) == normalise(name)


def test_hyphens_separate_words_and_dots_join_letters():
    assert normalise("Save-the-Children") == "save the children"
    assert normalise("U.S.A.") == "usa"
    assert normalise("Dr. J.-L. Picard") == "dr j l picard"


@pytest.mark.parametrize("text", [None, "", "  ", "...", "’", "-–—", "“”"])
def test_text_of_nothing_but_punctuation_normalises_to_nothing(text):
    assert normalise(text) == ""
