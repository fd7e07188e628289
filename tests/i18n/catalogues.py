"""The translation catalogues as the tests read them: compiled for the French pages, and
parsed (with no third-party library) to check that nothing is missing or fuzzy."""

import ast
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test.signals import setting_changed
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
# The templates' catalogue and the Python strings' catalogue (letters/), both French.
CATALOGUES = [ROOT / "locale", ROOT / "letters" / "locale"]


def compile_messages() -> None:
    """What `make messages` does, so that the French tests also run under a bare pytest;
    then Django forgets any catalogue it loaded before the .mo files existed."""
    assert shutil.which("msgfmt"), "msgfmt is missing: apt-get install gettext"
    call_command("compilemessages", ignore_patterns=[".venv", ".venv-*"], verbosity=0)
    setting_changed.send(
        sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
    )


def public_templates() -> list[Path]:
    """Every template people see: the staff-only admin's are left out (Django's admin
    translates its own interface, and our admin pages are for English-speaking staff)."""
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.is_file() and path.relative_to(TEMPLATES).parts[0] != "admin"
    )


@dataclass(frozen=True)
class Message:
    msgid: str
    context: str | None = None
    plural: str | None = None


@dataclass
class Entry:
    message: Message
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False


def _unquote(lines: list[str]) -> str:
    text = "".join(line.strip()[1:-1] for line in lines)
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file: each with its context, id, plural and translations."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fields: dict[str, list[str]] = {}
        current = None
        flags = ""
        obsolete = any(line.startswith("#~") for line in lines)
        for line in lines:
            if line.startswith("#,"):
                flags += line
            elif match := re.match(
                r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line
            ):
                current = match.group(1)
                fields[current] = [match.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields:
            if obsolete:
                entries.append(Entry(Message("(obsolete)"), obsolete=True))
            continue
        message = Message(
            _unquote(fields["msgid"]),
            _unquote(fields["msgctxt"]) if "msgctxt" in fields else None,
            _unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None,
        )
        translations = [_unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        entries.append(Entry(message, translations, "fuzzy" in flags, obsolete))
    return entries


def french_catalogues() -> list[Path]:
    return [
        path / "fr" / "LC_MESSAGES" / "django.po"
        for path in CATALOGUES
        if (path / "fr" / "LC_MESSAGES" / "django.po").exists()
    ]


# templatize() turns a template into Python-like text in which each marked string is a
# gettext(), ngettext(), pgettext() or npgettext() call, the way makemessages reads it:
# where each call's context, message and plural are among its arguments.
# _("...") in a tag's arguments ({% with label=_("Pages") %}) is a gettext() too.
CALLS = {"gettext": (None, 0, None), "_": (None, 0, None), "ngettext": (None, 0, 1)}
CALLS |= {"pgettext": (0, 1, None), "npgettext": (0, 1, 2)}


CALL = re.compile(r"(?<!\w)(npgettext|pgettext|ngettext|gettext|_)\(")
# A Python string literal as templatize() writes one (repr: escaped, on one line).
STRING = re.compile(r"""\s*(u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))\s*,?""")


def marked_messages(path: Path) -> set[Message]:
    """The strings a template marks for translation."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found = set()
    for call in CALL.finditer(source):
        arguments = []
        position = call.end()
        while literal := STRING.match(source, position):
            arguments.append(ast.literal_eval(literal.group(1)))
            position = literal.end()
        context, msgid, plural = CALLS[call.group(1)]
        found.add(
            Message(
                arguments[msgid],
                arguments[context] if context is not None else None,
                arguments[plural] if plural is not None else None,
            )
        )
    return found
