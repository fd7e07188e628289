"""The same name is not the same signer: a row joins a record only on evidence or a
curator's choice, and the evidence is kept on the signature (issue 12, section 1)."""

import pytest

from letters.curation import import_rows, matching
from letters.curation.names import identity_key, name_key
from letters.curation.rows import AS_ORGANISATION, NEW, UNDECIDED, RowStatus
from letters.curation.writing import ImportNotReady
from letters.models import IdentityBasis, Organisation, Person, Signature, SignerKind
from tests import factories
from tests.curation.conftest import confirm, preview, rows_by_name


@pytest.fixture
def other_letter(db):
    return factories.LetterFactory(title="An earlier letter", slug="an-earlier-letter")


def sign(letter, signer, **fields):
    signers = {"organisation": None, "person": None}
    signers["organisation" if isinstance(signer, Organisation) else "person"] = signer
    return factories.SignatureFactory(letter=letter, **signers, **fields)


def csv_rows(*lines, header="name,kind,url,email,affiliation"):
    return ("\n".join([header, *lines]) + "\n").encode()


def test_single_first_names_on_two_lists_are_never_one_person_by_name(
    letter, source, other_letter, curator
):
    """Two GitHub-signed lists made "Alexander" one person, and the comparison page
    claimed 137 people signed both."""
    first = preview(other_letter, source, csv_rows("Alexander,individual,,,", "Alex,individual,,,"))
    confirm(first, curator)
    second = preview(letter, source, csv_rows("Alexander,individual,,,", "Alex,individual,,,"))
    rows = second.rows
    assert {row["status"] for row in rows} == {RowStatus.SAME_NAME}
    assert {row["choice"] for row in rows} == {UNDECIDED}
    with pytest.raises(ImportNotReady, match="2 rows wait for your choice"):
        confirm(second, curator)
    assert matching.choose_for_status(rows, RowStatus.SAME_NAME, "new") == 2
    import_rows.replace(second, rows)
    confirm(second, curator)
    assert Person.objects.filter(name="Alexander").count() == 2


@pytest.mark.parametrize(
    ("line", "basis"),
    [
        ("Alexander Volkov,individual,https://GitHub.com/dinozood/,,", IdentityBasis.PROFILE_URL),
        ("Alexander Volkov,individual,,,Kernel Hackers Guild", IdentityBasis.AFFILIATION),
    ],
)
def test_evidence_beyond_the_name_joins_a_person(letter, source, other_letter, line, basis):
    volkov = factories.PersonFactory(name="Alexander Volkov", website="https://github.com/dinozood")
    sign(other_letter, volkov, role="Kernel Hackers Guild")
    (row,) = preview(letter, source, csv_rows(line)).rows
    assert (row["status"], row["choice"]) == (RowStatus.EXACT, str(volkov.pk))
    assert row["candidates"][0]["basis"] == basis


def test_the_evidence_is_stored_on_the_signature(letter, source, curator):
    barnardos = factories.OrganisationFactory(
        name="Barnardo's", website="https://www.barnardos.org.uk/"
    )
    signatory_import = preview(
        letter, source, csv_rows("Barnardo's,organisation,,press@barnardos.org.uk,")
    )
    (row,) = signatory_import.rows
    assert row["status"] == RowStatus.EXACT
    assert row["reason"] == "Email at barnardos.org.uk, the record's website."
    confirm(signatory_import, curator)
    signature = Signature.objects.get(letter=letter)
    assert signature.organisation == barnardos
    assert signature.identity_basis == IdentityBasis.EMAIL_DOMAIN
    assert signature.identity_evidence == "email at barnardos.org.uk, the record's website"
    # Only the domain was kept: the address is private.
    assert "press@" not in str(signatory_import.rows)


def test_an_email_at_a_shared_mail_service_is_no_evidence(letter, source):
    factories.OrganisationFactory(name="Small Group", website="https://gmail.com")
    (row,) = preview(letter, source, csv_rows("Small Group,organisation,,a@gmail.com,")).rows
    assert row["status"] == RowStatus.SAME_NAME


def test_a_curators_choice_is_the_evidence_kept(letter, source, curator, other_letter):
    namesake = factories.PersonFactory(name="Jane Smith")
    sign(other_letter, namesake)
    signatory_import = preview(letter, source, csv_rows("Jane Smith,individual,,,"))
    rows = signatory_import.rows
    assert rows[0]["status"] == RowStatus.SAME_NAME
    assert matching.set_choice(rows[0], str(namesake.pk))
    import_rows.replace(signatory_import, rows)
    confirm(signatory_import, curator)
    signature = Signature.objects.get(letter=letter)
    assert signature.person == namesake
    assert signature.identity_basis == IdentityBasis.CURATOR
    assert signature.identity_evidence == f"Chosen by curator in import #{signatory_import.pk}."


@pytest.mark.parametrize("name", ["dino_zood", "alex_b", "user32000", "Anonymous5247", "Proton"])
def test_weak_names_never_join_a_record_on_another_letter_without_a_curator(
    letter, source, other_letter, name
):
    held = factories.PersonFactory(name=name, website="https://github.com/same")
    sign(other_letter, held)
    (row,) = preview(letter, source, csv_rows(f"{name},individual,https://github.com/same,,")).rows
    assert row["status"] == RowStatus.SAME_NAME and row["choice"] == UNDECIDED
    assert "same address: https://github.com/same" in row["reason"].lower()
    assert "single word, a handle or placeholder-like" in row["reason"]


def test_a_weak_name_on_the_same_letter_is_already_signed(letter, source):
    held = factories.PersonFactory(name="Alexander")
    sign(letter, held)
    (row,) = preview(letter, source, csv_rows("Alexander,individual,,,")).rows
    assert row["status"] == RowStatus.SIGNED


def test_namesakes_in_one_list_with_different_links_are_two_signers(letter, source, curator):
    signatory_import = preview(
        letter,
        source,
        csv_rows(
            "Alex,individual,https://github.com/alex-one,,",
            "Alex,individual,https://github.com/alex-two,,",
            "Alex,individual,https://github.com/alex-one,,",
        ),
    )
    rows = signatory_import.rows
    assert [row["status"] for row in rows] == [RowStatus.NEW, RowStatus.NEW, RowStatus.DUPLICATE]
    assert rows[2]["reason"] == "Same name and address as line 2."
    confirm(signatory_import, curator)
    assert sorted(Person.objects.values_list("website", flat=True)) == [
        "https://github.com/alex-one",
        "https://github.com/alex-two",
    ]


def test_create_a_new_person_for_a_duplicate_row_is_honoured(letter, source, curator):
    """Chosen in the preview, it was ignored at confirmation ("Same new name as line 1")
    and about 250 people of a real list were dropped."""
    signatory_import = preview(letter, source, csv_rows("Kim,individual,,,", "Kim,individual,,,"))
    rows = signatory_import.rows
    assert rows[1]["status"] == RowStatus.DUPLICATE
    assert matching.set_choice(rows[1], NEW)
    import_rows.replace(signatory_import, rows)
    report = confirm(signatory_import, curator)
    assert report["outcomes"] == {"created": 2}
    assert Person.objects.filter(name="Kim").count() == 2


def test_a_held_namesake_with_another_address_is_another_signer(letter, source, other_letter):
    held = factories.PersonFactory(name="Maria Garcia", website="https://github.com/maria-a")
    sign(other_letter, held)
    (row,) = preview(
        letter, source, csv_rows("Maria Garcia,individual,https://github.com/maria-b,,")
    ).rows
    assert (row["status"], row["choice"]) == (RowStatus.NEW, NEW)
    assert "but another address" in row["reason"]


def test_an_organisation_listed_as_an_individual_is_flagged(letter, source, curator):
    eff = factories.OrganisationFactory(name="Electronic Frontier Foundation")
    signatory_import = preview(
        letter,
        source,
        csv_rows("Electronic Frontier Foundation,individual,,,"),
    )
    rows = signatory_import.rows
    assert rows[0]["status"] == RowStatus.ORGANISATION and rows[0]["choice"] == UNDECIDED
    assert matching.set_choice(rows[0], f"{AS_ORGANISATION}{eff.pk}")
    import_rows.replace(signatory_import, rows)
    confirm(signatory_import, curator)
    signature = Signature.objects.get(letter=letter)
    assert signature.organisation == eff and signature.person is None
    assert signature.identity_basis == IdentityBasis.CURATOR
    assert not Person.objects.filter(name="Electronic Frontier Foundation").exists()


def test_an_organisation_in_both_places_of_a_list_is_counted_once(letter, source):
    rows = preview(
        letter,
        source,
        csv_rows("Privacy Coalition,organisation,,,", "PRIVACY COALITION,individual,,,"),
    ).rows
    assert [row["status"] for row in rows] == [RowStatus.NEW, RowStatus.DUPLICATE]
    assert rows[1]["reason"] == "Listed as an organisation on line 2: not counted twice."


def test_an_organisation_already_signing_is_not_counted_again_as_a_person(letter, source):
    sign(letter, factories.OrganisationFactory(name="Open Rights Group"))
    (row,) = preview(letter, source, csv_rows("Open Rights Group,individual,,,")).rows
    assert row["status"] == RowStatus.DUPLICATE
    assert "already signs this letter as an organisation" in row["reason"]


@pytest.mark.parametrize(
    ("held", "typed"),
    [
        ("Proton AG", "Proton"),
        ("The Matrix.org Foundation", "Matrix Foundation"),
        ("Electronic Frontier Foundation", "Electronic Frontier Foundaton"),
        ("Förderverein Digitalcourage e.V.", "Foerderverein Digitalcourage"),
    ],
)
def test_close_names_weigh_legal_forms_and_the_like_little(letter, source, held, typed):
    kind = "organisation"
    record = factories.OrganisationFactory(name=held)
    (row,) = preview(letter, source, csv_rows(f"{typed},{kind},,,")).rows
    if typed == "Foerderverein Digitalcourage":
        # Transliterated umlauts are another spelling, not a typo: not offered.
        assert row["status"] == RowStatus.NEW
        return
    assert row["status"] == RowStatus.CLOSE
    assert [c["id"] for c in row["candidates"]] == [record.pk]


@pytest.mark.parametrize(("held", "typed"), [("Rahul", "Raul"), ("Michał", "Micha")])
def test_one_letter_apart_short_names_are_not_offered(letter, source, held, typed):
    factories.PersonFactory(name=held)
    (row,) = preview(letter, source, csv_rows(f"{typed},individual,,,")).rows
    assert (row["status"], row["candidates"]) == (RowStatus.NEW, [])


def test_an_alias_a_curator_recorded_joins_the_record(letter, source, five_rights, curator):
    signatory_import = preview(letter, source, csv_rows("5 Rights,organisation,,,"))
    (row,) = signatory_import.rows
    assert (row["status"], row["choice"]) == (RowStatus.ALIAS, str(five_rights.pk))
    confirm(signatory_import, curator)
    assert Signature.objects.get(letter=letter).identity_basis == IdentityBasis.ALIAS


def test_rows_of_both_kinds_are_written_once_each(letter, source, curator):
    signatory_import = preview(
        letter,
        source,
        csv_rows("Open Group,organisation,,,", "Ann Lee,individual,,,"),
    )
    confirm(signatory_import, curator)
    assert rows_by_name(signatory_import)["Ann Lee"]["outcome"] == "created"
    assert Signature.objects.filter(letter=letter).count() == 2


def known_organisations(names: list[str]) -> matching.KnownSigners:
    """What an import holds of these organisations, built as `KnownSigners.load` builds
    it, without a database."""
    known = matching.KnownSigners(Organisation, SignerKind.ORGANISATION)
    for pk, name in enumerate(names, 1):
        known.names[pk] = name
        known.by_identity[identity_key(name)].append(pk)
        known._index(name_key(name), pk)
    return known


def test_close_names_are_found_through_the_words_they_share():
    known = known_organisations(["Tilena Bakodu Trust", "Nuvaro Pelisen Trust", "Kerami Trust"])

    assert known.close_to("Tilena Bakodo Trust", exclude=set()) == [1]
    assert known.close_to("Tilena Bakodo Trust", exclude={1}) == []
    # Sharing only a common word is not being close.
    assert known.close_to("Omaru Velisk Trust", exclude=set()) == []


def test_when_the_shared_words_name_everyone_all_names_are_compared_once():
    """Every name holds "trust" and "fund": their token lists together are longer than
    the names we hold, and one comparison with each name answers the same."""
    names = [f"Fund {word} Trust" for word in ("Alderbrook", "Bellwether", "Cobblestone")]
    known = known_organisations(names)

    assert known.close_to("Fund Bellwhether Trust", exclude=set()) == [2]
    assert known.close_to("Fund Cobbelstone Trust", exclude=set()) == [3]
