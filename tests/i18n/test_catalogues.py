"""Every string marked in a template has its French translation, and no French message
is missing or fuzzy, in either catalogue (locale/ for the templates, letters/locale/ for
the Python strings)."""

import pytest

from .catalogues import (
    TEMPLATES,
    Message,
    french_catalogues,
    marked_messages,
    public_templates,
    read_po,
)


def translated(entry) -> bool:
    return bool(entry.translations) and all(entry.translations) and not entry.fuzzy


@pytest.mark.parametrize("path", french_catalogues(), ids=lambda p: str(p.parent.parent.parent))
def test_every_french_message_is_translated_and_none_is_fuzzy(path):
    entries = [entry for entry in read_po(path) if not entry.obsolete and entry.message.msgid]

    assert entries, f"{path} holds no message"
    assert [entry.message for entry in entries if not translated(entry)] == []


def test_the_templates_catalogue_exists():
    assert TEMPLATES.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po" in french_catalogues()


def test_every_string_marked_in_a_template_has_a_french_translation():
    catalogue = {
        entry.message: entry
        for path in french_catalogues()
        for entry in read_po(path)
        if not entry.obsolete
    }
    missing = {
        f"{path.relative_to(TEMPLATES)}: {message}"
        for path in public_templates()
        for message in marked_messages(path)
        if message not in catalogue or not translated(catalogue[message])
    }

    assert sorted(missing) == []


def test_the_po_reader_sees_plurals_contexts_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: fr\\n"\n\n'
        'msgctxt "verb"\nmsgid "Count"\nmsgstr "Compter"\n\n'
        'msgid "%(n)s letter"\nmsgid_plural "%(n)s letters"\nmsgstr[0] "%(n)s lettre"\n'
        'msgstr[1] ""\n\n'
        '#, fuzzy\nmsgid "Say \\"hi\\""\nmsgstr "Dire"\n\n'
        'msgid "Missing"\nmsgstr ""\n',
        encoding="utf-8",
    )

    entries = {entry.message: entry for entry in read_po(po)}

    assert translated(entries[Message("Count", context="verb")])
    assert not translated(entries[Message("%(n)s letter", plural="%(n)s letters")])
    assert entries[Message('Say "hi"')].fuzzy
    assert not translated(entries[Message("Missing")])


def test_marked_strings_are_read_from_a_template_as_makemessages_reads_them(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<h1>{% translate "Title" %}</h1>'
        "{% translate 'Count' context 'verb' %}"
        "{% blocktranslate count n=total %}{{ n }} letter{% plural %}{{ n }} letters"
        "{% endblocktranslate %}<p>Not marked</p>",
        encoding="utf-8",
    )

    assert marked_messages(template) == {
        Message("Title"),
        Message("Count", context="verb"),
        Message("%(n)s letter", plural="%(n)s letters"),
    }
