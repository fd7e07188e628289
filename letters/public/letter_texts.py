"""Which of a letter's own texts a page shows, and the languages it offers to switch to
(the letter page and the sign page of a hosted letter)."""

from dataclasses import dataclass

from letters.models import Letter, LetterText

# The query parameter that picks a language: /letters/<slug>/?text=fr#letter-text
TEXT_PARAM = "text"


@dataclass(frozen=True)
class LetterTexts:
    """The texts that may be shown (the original first), and the one shown."""

    texts: list[LetterText]
    shown: LetterText | None


def letter_texts(letter: Letter, requested: str = "") -> LetterTexts:
    """The text in the `requested` language, or else the original (else the first): an
    unknown language shows the default rather than an error, as an old link would."""
    texts = list(LetterText.objects.filter(letter=letter).sourced().select_related("source"))
    chosen = next((text for text in texts if text.language == requested), None)
    return LetterTexts(texts, chosen or (texts[0] if texts else None))
