"""Signatory search: the index answers exactly what a plain substring rule would.

`Signature.objects.matching(q)` must return the signatures whose normalised
`search_text` contains `normalise(q)`, nothing more and nothing less, on SQLite (an FTS5
trigram table kept by triggers) and on PostgreSQL (a pg_trgm index). Each test compares
it with that rule applied in Python to every row, after every kind of write. The same
holds for organisations and people (`Organisation.objects.matching(q)`), whose names and
aliases have indexes of their own.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from letters import signature_list
from letters.lib.text import normalise
from letters.models import Organisation, Person, Signature, SignatureStatus
from letters.search_index import FTS_TABLE, TEXT_INDEXES, ensure_search_index
from tests import factories

SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 table and its triggers exist only on SQLite"
)
POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the pg_trgm index exists only on PostgreSQL"
)

# (published name, the signer's canonical name, the signer's aliases)
NAMES = [
    ("Barnardo’s", "Barnardo's", ["Barnardos"]),
    ("Sofia Nunez", "Sofía Núñez", []),
    ("Zoë Brontë", "Zoë Brontë", []),
    ("Zoe\u0308 Bronte\u0308 Trust", "Zoe\u0308 Bronte\u0308 Trust", []),
    ("Jean-Luc Picard", "Jean‑Luc Picard", ["J.-L. Picard"]),
    ("AT&T Foundation", "AT&T", ["AT and T"]),
    ("100% Privacy Coalition", "100% Privacy", []),
    ("snake_case Collective", "Snake Case Collective", []),
    ('The "Quoted" Group', "The “Quoted” Group", []),
    ("東京大学", "東京大学", ["University of Tokyo"]),
    ("Ελληνική Ένωση Πολιτών", "Ελληνικός Σύνδεσμος", []),
    ("O'Brien & Sons", "O’Brien and Sons", []),
    ("Back\\slash Society", "Backslash Society", []),
    ("Müller–Lüdenscheid e.V.", "Müller-Lüdenscheid", []),
    ("İstanbul Barosu", "Istanbul Bar Association", []),
    ("Straße der Freiheit", "Strasse der Freiheit", []),
    ("ﬁnance ﬁrst", "Finance First", []),
    ("Smile 🙂 Club", "Smile Club", []),
    ("NEAR(a b) Research", "Near Research", []),
    ("abc* Labs", "ABC Star Labs", []),
    ("-abc Minus", "Minus ABC", []),
    ("col:abc Partners", "Column Partners", []),
    ("Say OR Nothing", "Say Or Nothing", []),
    ("50%_off Collective", "Fifty Off", []),
    ("Robert'); DROP TABLE Students;--", "Little Bobby Tables", []),
]

SIMPLE_QUERIES = [
    "a",
    "z",
    "é",
    "ñ",
    "ss",
    "ß",
    "straße",
    "STRASSE",
    "barnardo’s",
    "barnardo's",
    "BARNARDOS",
    "sofia",
    "SOFÍA",
    "núñez",
    "Nunez",
    "zoë",
    "zoe\u0308",
    "ZOË BRONTË",
    "bronte",
    "e bron",
    "jean-luc",
    "jean luc",
    "n-l",
    "j.-l.",
    "at&t",
    "&",
    "t&",
    "100%",
    "0% p",
    "_",
    "e_c",
    "snake_case",
    '"quoted"',
    "“quoted”",
    "the “",
    "東京",
    "京",
    "大学",
    "東京大学",
    "ελληνικ",
    "ΕΛΛΗΝΙΚΉ",
    "ενωση",
    "ς",
    "σ",
    "o'brien",
    "o’brien",
    "'",
    "’",
    "k\\s",
    "müller-lüdenscheid",
    "müller–lüdenscheid",
    "istanbul",
    "İSTANBUL",
    "fin",
    "ﬁ",
    "🙂",
    "🙂 c",
    "a b",
    "ia n",
    "   sofia    nunez  ",
    "s | b",
    "nothing like this",
]

SYNTAX_QUERIES = [
    '"',
    '""',
    '"""',
    'a"b',
    "a OR b",
    "or",
    "NEAR(a b)",
    "NEAR",
    "abc*",
    "*",
    "-abc",
    "^abc",
    "col:abc",
    "search_text:abc",
    "'; DROP TABLE letters_signature; --",
    "%",
    "%%%",
    "_",
    "___",
    "\\",
    "\\\\\\",
    "(",
    ")",
    "{a b}",
    "a AND NOT b",
    "x" * 10_000,
    "abc " * 2_500,
]


def reference(query: str, signatures=None) -> set[int]:
    """The rule, in Python: every row whose normalised search text contains the query."""
    needle = normalise(query)
    rows = (signatures or Signature.objects.all()).values_list("pk", "search_text")
    return {pk for pk, text in rows if needle in normalise(text)}


def found(query: str, signatures=None) -> set[int]:
    return set((signatures or Signature.objects.all()).matching(query).values_list("pk", flat=True))


def assert_index_sound() -> None:
    """On SQLite, each FTS table agrees with its table (signatures, organisations,
    people) row for row."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for index in TEXT_INDEXES.values():
                fts = index.fts_table
                # rank 1 also compares the index with its table (its content).
                cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def derived_queries() -> list[str]:
    """Substrings of every name at its start, middle and end, 1 to 5 characters long, in
    lower and upper case: single characters, whole words and spans across word breaks."""
    queries = set()
    for published, canonical, aliases in NAMES:
        for name in (published, canonical, *aliases):
            text = normalise(name)
            for length in range(1, 6):
                for start in {0, max(len(text) // 2 - 2, 0), max(len(text) - length, 0)}:
                    queries.add(text[start : start + length])
    return sorted(queries | {query.upper() for query in queries})


@pytest.fixture
def letter(published_letter):
    return published_letter


@pytest.fixture
def corpus(letter) -> dict[str, Signature]:
    """Every name in NAMES signed on the letter, alternately by organisations and people,
    and the first few again on another letter."""
    other = factories.LetterFactory()
    signatures = {}
    for n, (published, canonical, aliases) in enumerate(NAMES):
        signatures[published] = add_signature(letter, n, published, canonical, aliases)
    for n, (published, canonical, _) in enumerate(NAMES[:5]):
        add_signature(other, n + 100, published, canonical + " (again)", [])
    return signatures


def add_signature(letter, n: int, published: str, canonical: str, aliases) -> Signature:
    if n % 2:
        person = factories.PersonFactory(name=canonical, slug=f"person-{n}")
        for alias in aliases:
            factories.PersonAliasFactory(person=person, name=alias)
        return factories.PersonSignatureFactory(
            letter=letter, person=person, published_name=published
        )
    organisation = factories.OrganisationFactory(name=canonical, slug=f"organisation-{n}")
    for alias in aliases:
        factories.OrganisationAliasFactory(organisation=organisation, name=alias)
    return factories.SignatureFactory(
        letter=letter, organisation=organisation, published_name=published
    )


def test_stored_search_text_is_the_normalised_names(corpus):
    for signature in Signature.objects.select_related("organisation", "person"):
        assert signature.search_text == signature_list.signature_search_text(signature)
        assert signature.search_text == normalise(signature.search_text)
    assert_index_sound()


@pytest.mark.parametrize("query", SIMPLE_QUERIES)
def test_search_finds_exactly_the_names_containing_the_query(corpus, query):
    assert found(query) == reference(query)


def test_every_part_of_every_name_finds_exactly_its_matches(corpus):
    queries = derived_queries()
    assert len(queries) > 300

    wrong = {query: (found(query), reference(query)) for query in queries}

    assert {query: sets for query, sets in wrong.items() if sets[0] != sets[1]} == {}


@pytest.mark.parametrize(
    ("query", "published"),
    [
        ("SOFÍA NÚÑEZ", "Sofia Nunez"),
        ("barnardo's", "Barnardo’s"),
        ("barnardos", "Barnardo’s"),
        ("ZOE BRONTE TRUST", "Zoe\u0308 Bronte\u0308 Trust"),
        ("tokyo", "東京大学"),
        ("50%_", "50%_off Collective"),
        ("a b)", "NEAR(a b) Research"),
        ("drop table", "Robert'); DROP TABLE Students;--"),
    ],
)
def test_search_finds_a_name_whatever_its_case_accents_and_quotes(corpus, query, published):
    assert corpus[published].pk in found(query)


def test_the_nfc_and_nfd_forms_of_a_name_find_the_same_signatures(corpus, letter):
    nfc, nfd = "zo\u00eb bront\u00eb", "zoe\u0308 bronte\u0308"
    on_letter = Signature.objects.filter(letter=letter)

    assert found(nfc) == found(nfd) == reference(nfc)
    expected = {corpus["Zoë Brontë"].pk, corpus["Zoe\u0308 Bronte\u0308 Trust"].pk}
    assert found(nfc, on_letter) == found(nfd, on_letter) == expected


@pytest.mark.parametrize("query", ["a", "ab", "bro", "sons", "東京", "x" * 10_000])
def test_search_within_one_letter_finds_only_its_signatures(corpus, letter, query):
    public = Signature.objects.filter(letter=letter, status=SignatureStatus.REPORTED)

    assert found(query, public) == reference(query, public)


# ---------------------------------------------------------------------------
# Operators and quotes are text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", SYNTAX_QUERIES, ids=lambda query: query[:40])
def test_search_syntax_in_a_query_is_matched_literally(corpus, query):
    assert found(query) == reference(query)
    assert Signature.objects.count() == len(NAMES) + 5


@pytest.mark.parametrize(
    "query",
    [*SYNTAX_QUERIES, "\x00", "abc\x00def", "\x00" * 50, "sofia\x00"],
    ids=lambda query: query[:40].replace("\x00", "NUL"),
)
def test_the_letter_page_searches_any_query_without_error(client, corpus, letter, query):
    response = client.get(letter.get_absolute_url(), {"q": query})

    assert response.status_code == 200
    cleaned = query.replace("\x00", "").strip()[:200]
    public = Signature.objects.filter(letter=letter)
    shown = {int(row["id"]) for row in response.context["page"]}
    assert shown == reference(cleaned, public)


# ---------------------------------------------------------------------------
# The index follows every write
# ---------------------------------------------------------------------------


def assert_search(query: str, *, finds: Signature | None = None, misses: Signature | None = None):
    results = found(query)
    assert results == reference(query)
    if finds is not None:
        assert finds.pk in results
    if misses is not None:
        assert misses.pk not in results
    assert_index_sound()


@pytest.fixture
def wombat(corpus, letter) -> Signature:
    organisation = factories.OrganisationFactory(name="Marsupial Alliance", slug="marsupials")
    return factories.SignatureFactory(
        letter=letter, organisation=organisation, published_name="Wombat Watch"
    )


def test_a_new_signature_is_found(wombat):
    for query in ("wombat", "WOMBAT WATCH", "marsupial", "at w", "wo"):
        assert_search(query, finds=wombat)


def test_bulk_created_signatures_are_found(corpus, letter):
    organisation = factories.OrganisationFactory(name="Quokka Society", slug="quokkas")
    factories.OrganisationAliasFactory(organisation=organisation, name="Rottnest Friends")

    (signature,) = Signature.objects.bulk_create(
        [Signature(letter=letter, organisation=organisation, published_name="Quokka Club")]
    )

    for query in ("quokka club", "quokka society", "rottnest", "qu"):
        assert_search(query, finds=signature)


def test_a_renamed_signature_is_found_by_its_new_name_only(wombat):
    wombat.published_name = "Numbat Network"
    wombat.save()

    assert_search("numbat", finds=wombat)
    assert_search("wombat", misses=wombat)
    assert_search("marsupial", finds=wombat)


def test_a_signature_renamed_in_bulk_is_found_by_its_new_name_only(wombat):
    Signature.objects.filter(pk=wombat.pk).update(published_name="Numbat Network")

    assert_search("numbat", finds=wombat)
    assert_search("wombat", misses=wombat)


def test_a_signature_given_another_signer_in_bulk_is_found_by_its_name(wombat):
    kangaroo = factories.OrganisationFactory(name="Kangaroo Council", slug="kangaroos")

    Signature.objects.filter(pk=wombat.pk).update(organisation=kangaroo)

    assert_search("kangaroo", finds=wombat)
    assert_search("marsupial", misses=wombat)


def test_a_signature_given_another_signer_is_found_by_its_name(wombat):
    wombat.organisation = factories.OrganisationFactory(name="Kangaroo Council", slug="kangaroos")
    wombat.save()

    assert_search("kangaroo", finds=wombat)
    assert_search("marsupial", misses=wombat)


def test_a_deleted_signature_is_no_longer_found(wombat):
    Signature.objects.get(pk=wombat.pk).delete()

    assert_search("wombat")
    assert_search("wo")
    assert not Signature.objects.matching("wombat").exists()


def test_search_text_written_directly_is_found(wombat):
    Signature.objects.filter(pk=wombat.pk).update(search_text="bilby burrow")

    assert_search("bilby", finds=wombat)
    assert_search("wombat", misses=wombat)
    assert_search("y b", finds=wombat)


def test_a_renamed_organisation_is_found_by_its_new_name_only(wombat):
    organisation = wombat.organisation
    organisation.name = "Possum Partnership"
    organisation.save()

    assert_search("possum", finds=wombat)
    assert_search("marsupial", misses=wombat)
    assert_search("wombat", finds=wombat)


def test_a_renamed_person_is_found_by_their_new_name_only(corpus):
    signature = corpus["snake_case Collective"]
    person = signature.person
    person.name = "Serpent Society"
    person.save()

    assert_search("serpent", finds=signature)
    assert_search("snake case", misses=signature)
    assert_search("snake_case", finds=signature)


def test_an_organisation_alias_is_found_while_it_exists(wombat):
    alias = factories.OrganisationAliasFactory(
        organisation=wombat.organisation, name="Koala Collective"
    )
    assert_search("koala", finds=wombat)

    alias.delete()
    assert_search("koala", misses=wombat)
    assert_search("wombat", finds=wombat)


def test_a_person_alias_is_found_while_it_exists(corpus):
    signature = corpus["Sofia Nunez"]
    alias = factories.PersonAliasFactory(person=signature.person, name="Sofía Núñez-Ortega")
    assert_search("ortega", finds=signature)

    alias.delete()
    assert_search("ortega", misses=signature)
    assert_search("nunez", finds=signature)


# ---------------------------------------------------------------------------
# Organisations and people
# ---------------------------------------------------------------------------

SIGNERS = [Organisation, Person]


def signers_reference(model, query: str) -> set[int]:
    needle = normalise(query)
    rows = model.objects.values_list("pk", "search_text")
    return {pk for pk, text in rows if needle in normalise(text)}


def signers_found(model, query: str) -> set[int]:
    return set(model.objects.matching(query).values_list("pk", flat=True))


@pytest.mark.parametrize("model", SIGNERS)
def test_signer_search_finds_exactly_the_names_containing_the_query(corpus, model):
    queries = [*SIMPLE_QUERIES, *derived_queries()]

    wrong = {
        query: (signers_found(model, query), signers_reference(model, query)) for query in queries
    }

    assert {query: sets for query, sets in wrong.items() if sets[0] != sets[1]} == {}
    assert_index_sound()


def assert_signer_search(model, query: str, *, finds=None, misses=None) -> None:
    results = signers_found(model, query)
    assert results == signers_reference(model, query)
    if finds is not None:
        assert finds.pk in results
    if misses is not None:
        assert misses.pk not in results
    assert_index_sound()


def test_an_organisation_is_found_by_its_current_names_only(corpus):
    organisation = factories.OrganisationFactory(name="Marsupial Alliance", slug="marsupials")
    assert_signer_search(Organisation, "marsupial", finds=organisation)

    organisation.name = "Possum Partnership"
    organisation.save()
    assert_signer_search(Organisation, "possum", finds=organisation)
    assert_signer_search(Organisation, "marsupial", misses=organisation)

    alias = factories.OrganisationAliasFactory(organisation=organisation, name="Koala Collective")
    assert_signer_search(Organisation, "koala", finds=organisation)
    alias.delete()
    assert_signer_search(Organisation, "koala", misses=organisation)

    Organisation.objects.filter(pk=organisation.pk).update(search_text="bilby burrow")
    assert_signer_search(Organisation, "bilby", finds=organisation)
    assert_signer_search(Organisation, "possum", misses=organisation)

    organisation.delete()
    assert_signer_search(Organisation, "bilby", misses=organisation)


def test_a_person_is_found_by_their_current_names_only(corpus):
    person = corpus["Sofia Nunez"].person
    assert_signer_search(Person, "nunez", finds=person)

    alias = factories.PersonAliasFactory(person=person, name="Sofía Núñez-Ortega")
    assert_signer_search(Person, "ortega", finds=person)
    alias.delete()
    assert_signer_search(Person, "ortega", misses=person)

    person.name = "Sofia Ramos"
    person.save()
    assert_signer_search(Person, "ramos", finds=person)
    assert_signer_search(Person, "nunez", misses=person)


def test_the_search_page_finds_signers_through_the_index(client, corpus):
    response = client.get("/search/", {"q": "picard"})

    assert response.status_code == 200
    assert "Jean‑Luc Picard" in response.content.decode()


# ---------------------------------------------------------------------------
# The index objects themselves
# ---------------------------------------------------------------------------


def sqlite_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


TRIGGERS = {
    f"letters_{table}_fts_{event}"
    for table in ("signature", "organisation", "person")
    for event in ("insert", "update", "delete")
}


@SQLITE_ONLY
def test_ensure_search_index_restores_a_dropped_trigger_and_indexes_what_it_missed(corpus):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER letters_signature_fts_insert")
    signature = factories.SignatureFactory(published_name="Platypus Patrol")
    assert found("platypus") == set()  # written while the trigger was missing

    ensure_search_index()

    assert sqlite_triggers() >= TRIGGERS
    assert_search("platypus", finds=signature)
    later = factories.SignatureFactory(published_name="Platypus Patrol Two")
    assert_search("platypus", finds=later)


@SQLITE_ONLY
def test_ensure_search_index_restores_a_signer_indexes_dropped_trigger(corpus):
    organisation = factories.OrganisationFactory(name="Platypus Patrol", slug="platypus")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER letters_organisation_fts_update")
    Organisation.objects.filter(pk=organisation.pk).update(search_text="echidna")
    assert signers_found(Organisation, "echidna") == set()  # the trigger was missing

    ensure_search_index()

    assert sqlite_triggers() >= TRIGGERS
    assert_signer_search(Organisation, "echidna", finds=organisation)
    assert_signer_search(Organisation, "platypus", misses=organisation)


@SQLITE_ONLY
def test_ensure_search_index_reindexes_rows_changed_without_the_update_trigger(wombat):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER letters_signature_fts_update")
    Signature.objects.filter(pk=wombat.pk).update(search_text="echidna")
    assert found("echidna") == set()

    ensure_search_index()

    assert_search("echidna", finds=wombat)
    assert_search("wombat", misses=wombat)


@SQLITE_ONLY
def test_ensure_search_index_twice_is_harmless(corpus):
    before = {query: found(query) for query in ("bro", "sofia", "東京", "zoë")}

    ensure_search_index()
    ensure_search_index()

    assert sqlite_triggers() >= TRIGGERS
    assert {query: found(query) for query in before} == before
    signature = factories.SignatureFactory(published_name="Bandicoot Band")
    assert_search("bandicoot", finds=signature)


@SQLITE_ONLY
def test_the_sqlite_index_rejects_a_broken_state_so_integrity_checks_mean_something(wombat):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER letters_signature_fts_update")
    Signature.objects.filter(pk=wombat.pk).update(search_text="echidna")

    with pytest.raises(DatabaseError), transaction.atomic():
        assert_index_sound()

    ensure_search_index()
    assert_index_sound()


@POSTGRESQL_ONLY
@pytest.mark.parametrize(
    ("index", "table"),
    [
        ("signature_search_trgm_idx", "letters_signature"),
        ("organisation_search_trgm_idx", "letters_organisation"),
        ("person_search_trgm_idx", "letters_person"),
    ],
)
def test_postgresql_has_the_trigram_extension_and_index(db, index, table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchall() == [(1,)]
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE indexname = %s", [index])
        ((indexed_table, definition),) = cursor.fetchall()
    assert indexed_table == table
    assert "USING gin" in definition
    assert "search_text gin_trgm_ops" in definition


@POSTGRESQL_ONLY
def test_ensure_search_index_twice_is_harmless_on_postgresql(db):
    # Before any write in the test's transaction: PostgreSQL refuses CREATE INDEX on a
    # table with deferred constraint checks pending, as after migrate there are none.
    ensure_search_index()
    ensure_search_index()

    signature = factories.SignatureFactory(published_name="Bandicoot Band")
    assert_search("bandicoot", finds=signature)


@SQLITE_ONLY
def test_a_search_on_a_letter_starts_from_the_index_not_the_whole_letter(corpus, letter):
    # The test database has no planner statistics, like a fresh production database:
    # the plan must start from the search index's few matches (rowid lookups) instead of
    # walking every signature of the letter through its (letter, rank) index.
    matches = Signature.objects.on_letter_matching(letter, "bro").values_list("pk", flat=True)
    sql, params = matches.order_by("list_rank").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(row[3] for row in cursor.fetchall())

    assert f"SCAN {FTS_TABLE} VIRTUAL TABLE" in plan
    assert "INTEGER PRIMARY KEY" in plan
    assert "signature_letter_rank_idx" not in plan
    assert set(matches) == {
        s.pk for s in corpus.values() if s.letter == letter and "bro" in s.search_text
    }


def test_a_search_on_a_letter_finds_only_that_letters_matches(corpus, letter):
    for query in ("bro", "a", "sofia"):
        expected = Signature.objects.filter(letter=letter).matching(query)
        assert set(Signature.objects.on_letter_matching(letter, query)) == set(expected)
