"""`manage.py build_fixtures`: the committed demo fixture is what the builder makes of
../shared/data today, and curators' notes (`curation_note`) land in staff notes only."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from demo.fixture_builder.builder import (
    FixtureBuilder,
    check_curation_notes_stay_private,
    curation_notes,
    read_letters,
)
from tests.helpers import DEMO_FIXTURE, NSPCC_SLUG

DATA = Path(settings.SHARED_DATA_DIR) / "letters"


@pytest.fixture(scope="module")
def letters():
    return read_letters(DATA)


@pytest.fixture(scope="module")
def built(letters):
    return FixtureBuilder(letters).build()


def by_key(objects, model, field, value):
    return next(o["fields"] for o in objects if o["model"] == model and o["fields"][field] == value)


def test_the_committed_fixture_is_what_the_builder_makes_of_the_shared_data(tmp_path):
    output = tmp_path / "fixture.json"
    call_command("build_fixtures", output=output, stdout=io.StringIO())
    assert json.loads(output.read_text()) == json.loads(DEMO_FIXTURE.read_text())


def test_the_shared_data_has_curators_notes_on_letters_and_coverage(letters):
    # What the tests below rely on: the data does hold notes of both kinds.
    assert len(curation_notes(letters)) >= 5
    assert any(entry.get("curation_note") for letter in letters for entry in letter["coverage"])


def test_a_letters_curation_note_becomes_its_staff_notes(letters, built):
    nspcc = next(letter for letter in letters if letter["id"] == NSPCC_SLUG)
    fields = by_key(built, "letters.letter", "slug", NSPCC_SLUG)
    assert fields["staff_notes"] == nspcc["curation_note"]
    assert nspcc["curation_note"] not in fields["notes"] + fields["signatories_note"]


def test_a_coverage_items_curation_note_becomes_its_sources_staff_notes(letters, built):
    entry = next(
        entry for letter in letters for entry in letter["coverage"] if entry.get("curation_note")
    )
    fields = by_key(built, "letters.source", "url", entry["url"])
    assert fields["staff_notes"] == entry["curation_note"]
    assert fields["note"] != entry["curation_note"]


def test_every_curation_note_is_in_staff_notes_and_nowhere_else(letters, built):
    staff = " ".join(o["fields"].get("staff_notes") or "" for o in built)
    public = json.dumps(
        [{k: v for k, v in o["fields"].items() if k != "staff_notes"} for o in built],
        ensure_ascii=False,
    )
    for note in curation_notes(letters):
        assert note in staff
        assert note not in public


def test_the_build_stops_if_a_curators_note_would_be_public(letters):
    note = curation_notes(letters)[0]
    leaking = [{"model": "letters.quote", "fields": {"text": f"As noted: {note}"}}]
    with pytest.raises(CommandError, match=r"letters\.quote\.text"):
        check_curation_notes_stay_private(letters, leaking)
