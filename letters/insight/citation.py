"""Ready-made citations of a letter page: plain text and BibTeX.

The authors are the letter's organisers (by their canonical names), or, when none is
known, its first listed signatories. The access date is passed in, so that whoever
serves a citation decides which day it is (see `insight.views.letter_citation`).
"""

import datetime
import re
from functools import cache
from typing import Any

from django.db import connections, router
from django.utils.text import slugify
from django.utils.translation import gettext

from letters.lib.partial_dates import format_partial_date
from letters.models import Letter, Signature

# Characters with a meaning in BibTeX/LaTeX, and how to write them as text.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_SPECIAL_RE = re.compile("|".join(re.escape(char) for char in _BIBTEX_SPECIAL))

AUTHORS_NAMED = 3


def escape_bibtex(text: str) -> str:
    """Text as BibTeX reads it literally: every special character escaped in one pass."""
    return _BIBTEX_SPECIAL_RE.sub(lambda match: _BIBTEX_SPECIAL[match.group()], text)


def _escape_url(url: str) -> str:
    # Inside \url{} only these break the argument; the rest is printed as it is.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace("%", r"\%")


def authors(letter: Letter) -> list[str]:
    """Who a citation names: the organisers, else the first listed signatories."""
    names = [
        (organiser.organisation or organiser.person or organiser).name
        # .all() so that a page which prefetched the organisers asks nothing more.
        for organiser in letter.organisers.all()
    ]
    if not names:
        using = letter._state.db or router.db_for_read(Signature)
        sql, params = _first_listed_query(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [letter.pk if param == _ANY_LETTER else param for param in params])
            names = [name for (name,) in cursor.fetchall()]
    return list(dict.fromkeys(names))


# A letter id no letter has, where the letter's own goes in the query below.
_ANY_LETTER = 2**62


@cache
def _first_listed_query(using: str) -> tuple[str, tuple[Any, ...]]:
    """The first listed signatories' names, as SQL with its parameters (`_ANY_LETTER` for
    the letter's id). Every letter page without organisers runs it, and the ORM took ten
    times as long to build it as SQLite to run it: it is built once per database and
    process, and run with each letter's id."""
    # In list order through the (letter, list_rank) index: ordering by position would
    # sort every signature of a 100,000-signature letter on each page view.
    names = (
        Signature.objects.using(using)
        .filter(letter_id=_ANY_LETTER)
        .listed()
        .order_by("list_rank")
        .values_list("published_name", flat=True)[: AUTHORS_NAMED + 1]
    )
    sql, params = names.query.sql_with_params()
    if params.count(_ANY_LETTER) != 1:
        raise ValueError(f"Cannot find the letter's place in {sql!r} with {params!r}")
    return sql, params


def _author_text(names: list[str]) -> str:
    if not names:
        return gettext("Anonymous")
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return gettext("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    return f"{names[0]} et al."


def _year(letter: Letter) -> str:
    return letter.date[:4] if letter.date else gettext("n.d.")


def _day(day: datetime.date) -> str:
    return format_partial_date(day.isoformat())


def plain_citation(
    letter: Letter, url: str, accessed: datetime.date | None, names: list[str] | None = None
) -> str:
    """'NSPCC et al. (2020) 'Title'. Open letter, 6 February 2020. Open Letter Tracker.
    <url> (accessed 29 November 2026)'. Without `accessed`, the access date is left out.
    `names` are the letter's `authors()`, when the caller has them already."""
    date = format_partial_date(letter.date)
    names = authors(letter) if names is None else names
    text = (
        f"{_author_text(names)} ({_year(letter)}) '{letter.title}'. "
        + gettext("Open letter, %(date)s.") % {"date": date}
        + f" Open Letter Tracker. {url}"
    )
    if not accessed:
        return text
    return gettext("%(citation)s (accessed %(date)s)") % {"citation": text, "date": _day(accessed)}


def bibtex_key(letter: Letter, names: list[str]) -> str:
    first_author = slugify(names[0]).split("-")[0] if names else "anonymous"
    first_word = next(
        (word for word in slugify(letter.title).split("-") if len(word) > 3), "letter"
    )
    return f"{first_author or 'anonymous'}{_year(letter).replace('.', '')}{first_word}"


def bibtex_citation(
    letter: Letter, url: str, accessed: datetime.date | None, names: list[str] | None = None
) -> str:
    """A @misc entry; organisations are braced so BibTeX does not split them into names.
    `names` are the letter's `authors()`, when the caller has them already."""
    names = authors(letter) if names is None else names
    shown = names[:AUTHORS_NAMED]
    author = " and ".join(f"{{{escape_bibtex(name)}}}" for name in shown) or (
        f"{{{escape_bibtex(gettext('Anonymous'))}}}"
    )
    if len(names) > AUTHORS_NAMED:
        author += " and others"
    fields = [
        ("title", f"{{{escape_bibtex(letter.title)}}}"),
        ("author", author),
        ("year", escape_bibtex(_year(letter))),
        ("howpublished", f"\\url{{{_escape_url(url)}}}"),
        (
            "note",
            escape_bibtex(
                gettext("Open letter, %(date)s") % {"date": format_partial_date(letter.date)}
            ),
        ),
        ("organization", "Open Letter Tracker"),
    ]
    if accessed:
        fields.append(("urldate", accessed.isoformat()))
        accessed_on = gettext("Accessed %(date)s") % {"date": _day(accessed)}
        fields[4] = ("note", f"{fields[4][1]}. {escape_bibtex(accessed_on)}")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(letter, names)},\n{body}\n}}\n"
