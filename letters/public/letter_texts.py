"""Which of a letter's own texts a page shows, and the languages it offers to switch to
(the letter page and the sign page of a hosted letter)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from letters.models import LetterText

# The query parameter that picks a language: /letters/<slug>/?text=fr#letter-text
TEXT_PARAM = "text"


@dataclass(frozen=True)
class LetterTexts:
    """The texts that may be shown (the original first), and the one shown."""

    texts: list[LetterText]
    shown: LetterText | None


def texts_shown() -> QuerySet[LetterText]:
    """The texts that a page may show (of any letter), with the source each cites."""
    return LetterText.objects.sourced().select_related("source")


def letter_texts(shown: Iterable[LetterText], requested: str = "") -> LetterTexts:
    """Of a letter's `shown` texts (`texts_shown()`), the one in the `requested` language,
    or else the original (else the first): an unknown language shows the default rather
    than an error, as an old link would."""
    texts = list(shown)
    chosen = next((text for text in texts if text.language == requested), None)
    return LetterTexts(texts, chosen or (texts[0] if texts else None))
