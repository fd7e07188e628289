"""The demo data: built from ../shared/data, loaded idempotently, all or nothing."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models, transaction

from letters.models import Endorsement, Letter, Organisation, Signature
from tests.demo_snapshot import model_tables
from tests.helpers import DEMO_FIXTURE, NSPCC_SLUG

APPLE_SLUG = "2021-08-06_apple-privacy-letter"


def table_snapshot() -> dict[str, list[tuple]]:
    """Every row of every tracker table, to prove a second load changes nothing."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith("letters_"):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
                snapshot[table] = cursor.fetchall()
    return snapshot


def without_times(snapshot: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows, less the columns that say when they were written."""
    models_by_table = model_tables()
    kept = {}
    with connection.cursor() as cursor:
        for table, rows in snapshot.items():
            columns = connection.introspection.get_table_description(cursor, table)
            times = {
                field.column
                for field in models_by_table[table]._meta.concrete_fields
                if isinstance(field, models.DateTimeField)
            }
            keep = [i for i, column in enumerate(columns) if column.name not in times]
            kept[table] = sorted(tuple(row[i] for i in keep) for row in rows)
    return kept


def signatory_names(response) -> list[str]:
    page = response.context["page"]
    return [row["published_name"] for row in page.object_list]


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", verbosity=0)
    first = table_snapshot()
    call_command("load_demo", verbosity=0)
    assert table_snapshot() == first
    debate_letters = [
        row for row in json.loads(DEMO_FIXTURE.read_text()) if row["model"] == "letters.letter"
    ]
    assert len(debate_letters) == 14
    # The debate's letters, plus the demonstration letter that accepts sign-ups.
    assert Letter.objects.count() == 15
    assert list(Letter.objects.filter(accepts_signups=True).values_list("slug", flat=True)) == [
        "demo-hosted-letter"
    ]


@pytest.mark.django_db
def test_the_demo_the_tests_start_from_is_what_load_demo_writes(demo_snapshot):
    """The demo fixtures put back the rows of one real load (tests/demo_snapshot.py)."""
    assert demo_snapshot is not None, "the session could not copy the demo"
    empty = table_snapshot()
    with transaction.atomic():
        assert demo_snapshot.restore()
        copied = table_snapshot()
        assert not demo_snapshot.restore(), "a second copy would not fit in"
        transaction.set_rollback(True)
    assert table_snapshot() == empty

    call_command("load_demo", verbosity=0)
    loaded = table_snapshot()

    # SQLite's search index (letters_*_fts*) is compared by what the search tests find:
    # its segments differ with the order of the writes that built it.
    copied, loaded = (
        {table: rows for table, rows in tables.items() if "_fts" not in table}
        for tables in (copied, loaded)
    )
    assert {table: len(rows) for table, rows in copied.items()} == {
        table: len(rows) for table, rows in loaded.items()
    }
    assert len(copied["letters_signature"]) == 198
    if connection.vendor == "sqlite":  # PostgreSQL's sequences give the second load new ids
        assert without_times(copied) == without_times(loaded)


def test_home_and_the_nspcc_letter_render_after_loading(client, demo_data):
    home = client.get("/")
    assert home.status_code == 200
    assert "Open letter from child protection organisations" in home.content.decode()
    letter = client.get(f"/letters/{NSPCC_SLUG}/")
    assert letter.status_code == 200


def test_nspcc_letter_shows_listed_and_reported_counts(client, nspcc_letter):
    response = client.get(nspcc_letter.get_absolute_url())
    html = response.content.decode()
    assert nspcc_letter.listed_count == 18
    assert "18 listed here" in html
    assert "128–129 reported (sources differ)" in html
    assert len(signatory_names(response)) == 18


def test_nspcc_letter_shows_priti_patels_endorsements_with_quotes_and_sources(client, nspcc_letter):
    html = client.get(nspcc_letter.get_absolute_url()).content.decode()
    patel = Endorsement.objects.filter(letter=nspcc_letter, person__name="Priti Patel")
    assert patel.count() == 2
    for endorsement in patel:
        assert endorsement.date == "2020-02-06"
        assert endorsement.quote.replace("'", "&#x27;") in html
        assert f'href="{endorsement.source.url}"' in html
    assert "I fully support the continued efforts of the NSPCC" in html


def test_nspcc_letter_shows_its_coverage(client, nspcc_letter):
    html = client.get(nspcc_letter.get_absolute_url()).content.decode()
    assert "129 signatories urge Facebook against end-to-end encryption citing child safety" in html
    for source in nspcc_letter.coverage.all():
        assert f'href="{source.url}"' in html
    assert "(headline rebuilt from the URL)" in html


@pytest.mark.parametrize("query", ["barn", "BARNARDO", "barnardo’s"])
def test_searching_the_nspcc_list_for_barnardos_finds_only_barnardos(client, nspcc_letter, query):
    response = client.get(nspcc_letter.get_absolute_url(), {"q": query})
    assert signatory_names(response) == ["Barnardo's"]


def test_searching_by_canonical_name_finds_the_row_published_under_another_name(
    client, nspcc_letter
):
    response = client.get(nspcc_letter.get_absolute_url(), {"q": "5rights"})
    assert signatory_names(response) == ["5 Rights"]


def test_search_is_accent_insensitive_on_the_apple_letter(client, demo_data):
    response = client.get(f"/letters/{APPLE_SLUG}/", {"q": "sofia"})
    assert signatory_names(response) == ["Sofía Celi"]


def test_htmx_search_returns_only_the_fragment(client, nspcc_letter):
    response = client.get(nspcc_letter.get_absolute_url(), {"q": "barn"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="signatory-list"' in html
    assert "Barnardo" in html
    assert "HX-Request" in response["Vary"]


def test_barnardos_page_lists_its_three_letters_with_name_and_stance(client, demo_data):
    barnardos = Organisation.objects.get(slug="barnardos")
    response = client.get(barnardos.get_absolute_url())
    html = response.content.decode()
    signatures = list(Signature.objects.filter(organisation=barnardos).select_related("letter"))
    assert len(signatures) == 3
    for signature in signatures:
        assert signature.letter.title.replace("'", "&#x27;").replace('"', "&quot;") in html
        assert signature.letter.stance in html
    assert html.count("Barnardo&#x27;s</td>") + html.count("Barnardo&#x27;s —") >= 3


def test_both_sides_of_the_debate_are_loaded(demo_data):
    government = Letter.objects.get(
        slug="2019-10-04_barr-patel-dutton-mcaleenan-letter-to-zuckerberg"
    )
    civil_society = Letter.objects.get(slug="2019-10-04_civil-society-letter-facebook-e2ee")
    assert civil_society.in_response_to == government
    assert {government.side, civil_society.side} == {"against", "for"}


def test_a_malformed_fixture_fails_clearly_and_changes_nothing(tmp_path, demo_data):
    before = table_snapshot()
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "letters.source", "fields": {"url": "https://x.example"}')
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_demo", broken, verbosity=0)
    assert table_snapshot() == before


def test_a_fixture_naming_a_missing_letter_fails_clearly_and_changes_nothing(tmp_path, db):
    before = table_snapshot()
    broken = tmp_path / "missing-letter.json"
    broken.write_text(
        json.dumps(
            [
                {
                    "model": "letters.source",
                    "fields": {"url": "https://news.example.org/kept-only-if-all-loads"},
                },
                {
                    "model": "letters.reportedcount",
                    "fields": {
                        "letter": ["no-such-letter"],
                        "signatories_text": "10",
                        "signatories_value": 10,
                        "source": ["https://news.example.org/kept-only-if-all-loads"],
                    },
                },
            ]
        )
    )
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_demo", broken, verbosity=0)
    assert table_snapshot() == before
