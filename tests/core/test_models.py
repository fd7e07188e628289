"""The rules the data keeps: database constraints, partial dates, derived columns and the
querysets that decide what is public."""

import itertools

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from letters.lib.partial_dates import format_partial_date
from letters.models import (
    Correction,
    CorrectionRequest,
    Endorsement,
    Job,
    Letter,
    Organisation,
    OrganisationAlias,
    Organiser,
    OutboundEmail,
    Person,
    PersonAlias,
    Quote,
    ReportedCount,
    Response,
    SignatoryImport,
    SignatoryImportRow,
    Signature,
    SignatureStatus,
    SignupRequest,
    Source,
    Subscription,
    Topic,
    public_signature,
)
from tests import factories

# ---------------------------------------------------------------------------
# Constraints
# ---------------------------------------------------------------------------
# Each case arranges its rows, then returns the one statement that must be refused.


def _signature(**fields):
    letter = factories.LetterFactory()
    defaults = {"letter": letter, "published_name": "Somebody", "status": "reported"}
    return lambda: Signature.objects.create(**{**defaults, **fields})


def _signature_without_signer():
    return _signature()


def _signature_with_both_signers():
    return _signature(
        organisation=factories.OrganisationFactory(), person=factories.PersonFactory()
    )


def _endorsement(**fields):
    letter, source = factories.LetterFactory(), factories.SourceFactory()
    return lambda: Endorsement.objects.create(letter=letter, source=source, **fields)


def _letter_answering_itself():
    letter = factories.LetterFactory()
    letter.in_response_to = letter
    return letter.save


def _organiser_both_person_and_organisation():
    letter = factories.LetterFactory()
    organisation, person = factories.OrganisationFactory(), factories.PersonFactory()
    return lambda: Organiser.objects.create(
        letter=letter, name="Both", organisation=organisation, person=person
    )


def case(constraint: str, arrange, detail: str = ""):
    return pytest.param(constraint, arrange, id=f"{constraint}: {detail}" if detail else constraint)


def signup_request(**fields):
    defaults = {
        "letter": factories.LetterFactory(),
        "signer_kind": "individual",
        "name": "A Person",
        "expires_at": timezone.now(),
    }
    return SignupRequest.objects.create(**{**defaults, **fields})


def correction_about_two_entries():
    signature = factories.SignatureFactory()
    endorsement = factories.EndorsementFactory(letter=signature.letter)
    return lambda: CorrectionRequest.objects.create(
        letter=signature.letter, signature=signature, endorsement=endorsement, details="x"
    )


CHECK_CASES = [
    case("source_url_not_empty", lambda: lambda: Source.objects.create(url="")),
    case(
        "source_kind_valid",
        lambda: lambda: Source.objects.create(url="https://a.example/", kind="rumour"),
    ),
    case(
        "organisation_name_not_empty",
        lambda: lambda: Organisation.objects.create(name="", slug="nameless"),
    ),
    case(
        "organisation_kind_valid",
        lambda: lambda: Organisation.objects.create(name="A", slug="a", kind="club"),
    ),
    case(
        "organisation_alias_not_empty",
        lambda: (
            lambda: OrganisationAlias.objects.create(
                organisation=factories.OrganisationFactory(), name=""
            )
        ),
    ),
    case("person_name_not_empty", lambda: lambda: Person.objects.create(name="", slug="nameless")),
    case(
        "person_alias_not_empty",
        lambda: lambda: PersonAlias.objects.create(person=factories.PersonFactory(), name=""),
    ),
    case(
        "letter_title_not_empty", lambda: lambda: Letter.objects.create(title="", slug="untitled")
    ),
    case(
        "letter_visibility_valid",
        lambda: lambda: Letter.objects.create(title="A", slug="a", visibility="secret"),
    ),
    case(
        "letter_side_valid", lambda: lambda: Letter.objects.create(title="A", slug="a", side="up")
    ),
    case("letter_does_not_answer_itself", _letter_answering_itself),
    case("organiser_is_not_both_person_and_organisation", _organiser_both_person_and_organisation),
    case("signature_has_exactly_one_signer", _signature_without_signer, "neither"),
    case("signature_has_exactly_one_signer", _signature_with_both_signers, "both"),
    case(
        "signature_status_valid",
        lambda: _signature(organisation=factories.OrganisationFactory(), status="maybe"),
    ),
    case(
        "signature_identity_basis_valid",
        lambda: _signature(organisation=factories.OrganisationFactory(), identity_basis="hunch"),
    ),
    case(
        "signature_published_name_not_empty",
        lambda: _signature(organisation=factories.OrganisationFactory(), published_name=""),
    ),
    case(
        "signature_withdrawal_only_when_withdrawn",
        lambda: _signature(organisation=factories.OrganisationFactory(), withdrawn_on="2021-03"),
        "date",
    ),
    case(
        "signature_withdrawal_only_when_withdrawn",
        lambda: _signature(
            organisation=factories.OrganisationFactory(), withdrawal_reason="Changed its mind."
        ),
        "reason",
    ),
    case(
        "signature_verification_only_for_site_signups",
        lambda: _signature(organisation=factories.OrganisationFactory(), verified_domain="x.org"),
        "a source's signature verified",
    ),
    case(
        "signature_claim_only_by_a_person",
        lambda: _signature(
            organisation=factories.OrganisationFactory(),
            claimed_organisation=factories.OrganisationFactory(),
            signed_on_site_at=timezone.now(),
        ),
        "an organisation claiming one",
    ),
    case("endorsement_has_exactly_one_endorser", lambda: _endorsement(), "neither"),
    case(
        "endorsement_has_exactly_one_endorser",
        lambda: _endorsement(
            person=factories.PersonFactory(), organisation=factories.OrganisationFactory()
        ),
        "both",
    ),
    case(
        "endorsement_stance_valid",
        lambda: _endorsement(person=factories.PersonFactory(), stance="shrugs"),
    ),
    case(
        "quote_text_not_empty",
        lambda: (
            lambda: Quote.objects.create(
                letter=factories.LetterFactory(),
                text="",
                speaker="the letter",
                source=factories.SourceFactory(),
            )
        ),
    ),
    case(
        "response_has_quote_or_summary",
        lambda: (
            lambda: Response.objects.create(
                letter=factories.LetterFactory(), responder="Meta", source=factories.SourceFactory()
            )
        ),
    ),
    case(
        "signup_action_valid",
        lambda: lambda: signup_request(action="subscribe"),
    ),
    case(
        "signup_signer_kind_valid",
        lambda: lambda: signup_request(signer_kind="robot"),
    ),
    case(
        "correction_request_kind_valid",
        lambda: (
            lambda: CorrectionRequest.objects.create(
                letter=factories.LetterFactory(), kind="praise", details="x"
            )
        ),
    ),
    case(
        "correction_request_status_valid",
        lambda: (
            lambda: CorrectionRequest.objects.create(
                letter=factories.LetterFactory(), status="lost", details="x"
            )
        ),
    ),
    case("correction_request_about_one_entry", lambda: correction_about_two_entries()),
    case(
        "letter_text_body_not_empty",
        lambda: lambda: factories.LetterTextFactory(body=""),
    ),
    case(
        "letter_text_language_valid",
        lambda: lambda: factories.LetterTextFactory(language="klingon"),
    ),
    case(
        "letter_text_original_is_not_translated",
        lambda: lambda: factories.LetterTextFactory(is_original=True, translated_by="Us"),
    ),
    case(
        "correction_change_not_empty",
        lambda: (
            lambda: Correction.objects.create(
                letter=factories.LetterFactory(), change="", reason="x"
            )
        ),
    ),
    case(
        "email_status_valid",
        lambda: lambda: OutboundEmail.objects.create(kind="x", subject="x", status="lost"),
    ),
    case(
        "job_status_valid",
        lambda: lambda: Job.objects.create(name="x", task_path="x", status="lost"),
    ),
    case(
        "subscription_one_target_of_its_kind",
        lambda: lambda: _subscription(kind="person", letter=factories.LetterFactory()),
        "a person's subscription pointing at a letter",
    ),
]


def _twice(factory_class, **fields):
    """Create a row, then return the statement that creates the same row again."""
    factory_class(**fields)
    return lambda: factory_class(**fields)


def _same_letter_and_source(factory_class, **fields):
    letter, source = factories.LetterFactory(), factories.SourceFactory()
    return _twice(factory_class, letter=letter, source=source, **fields)


def _one_original_then_another():
    text = factories.LetterTextFactory(language="de", is_original=True)
    return lambda: factories.LetterTextFactory(letter=text.letter, language="fr", is_original=True)


def _same_alias_normalised_differently():
    factories.OrganisationAliasFactory(name="5 Rights")
    # Another spelling of the same name, even on another organisation, is ambiguous:
    # case, dots and hyphens do not make another name.
    return lambda: factories.OrganisationAliasFactory(name="5-rights.")


UNIQUE_CASES = [
    case(
        "source_url",
        lambda: _twice(Source.objects.create, url="https://news.example.org/same"),
    ),
    case("organisation_slug", lambda: _twice(Organisation.objects.create, name="A", slug="a")),
    case("person_slug", lambda: _twice(Person.objects.create, name="A", slug="a")),
    case("letter_slug", lambda: _twice(Letter.objects.create, title="A", slug="a")),
    case("organisation_alias_unique_name", _same_alias_normalised_differently, "5 Rights"),
    case(
        "person_alias_unique_name",
        lambda: _twice(PersonAlias.objects.create, person=factories.PersonFactory(), name="Bill"),
    ),
    case(
        "reported_count_unique_per_source",
        lambda: _same_letter_and_source(factories.ReportedCountFactory, signatories_text="129"),
    ),
    case(
        "addressee_unique_per_letter",
        lambda: _twice(factories.AddresseeFactory, letter=factories.LetterFactory(), name="Meta"),
    ),
    case(
        "organiser_unique_per_letter",
        lambda: _twice(factories.OrganiserFactory, letter=factories.LetterFactory(), name="NSPCC"),
    ),
    case(
        "signature_organisation_signs_once",
        lambda: _twice(
            factories.SignatureFactory,
            letter=factories.LetterFactory(),
            organisation=factories.OrganisationFactory(),
            published_name="NSPCC",
        ),
    ),
    case(
        "signature_person_signs_once",
        lambda: _twice(
            factories.PersonSignatureFactory,
            letter=factories.LetterFactory(),
            person=factories.PersonFactory(),
            published_name="Jane Doe",
        ),
    ),
    case(
        "endorsement_person_once_per_source",
        lambda: _same_letter_and_source(
            factories.EndorsementFactory, person=factories.PersonFactory()
        ),
    ),
    case(
        "endorsement_organisation_once_per_source",
        lambda: _same_letter_and_source(
            factories.EndorsementFactory, person=None, organisation=factories.OrganisationFactory()
        ),
    ),
    case(
        "import_row_has_one_place",
        lambda: _twice(
            SignatoryImportRow.objects.create,
            signatory_import=SignatoryImport.objects.create(
                letter=factories.LetterFactory(), source=factories.SourceFactory()
            ),
            number=0,
            data={},
        ),
    ),
    case(
        "quote_unique_per_letter",
        lambda: _twice(factories.QuoteFactory, letter=factories.LetterFactory(), text="Stop."),
    ),
    case(
        "letter_text_one_per_language",
        lambda: _twice(
            factories.LetterTextFactory,
            letter=factories.LetterFactory(),
            language="fr",
            is_original=False,
        ),
    ),
    case(
        "letter_text_one_original",
        lambda: _one_original_then_another(),
    ),
    case(
        "response_unique_per_source",
        lambda: _same_letter_and_source(factories.ResponseFactory, responder="Meta"),
    ),
    # Two queued jobs under one key (a finished one frees it: tests/jobs/).
    case(
        "job_one_active_per_key",
        lambda: _twice(Job.objects.create, name="x", task_path="x", key="same-selection"),
    ),
    *(
        case(
            f"subscription_one_per_{kind}_and_email",
            lambda kind=kind, factory=factory: _twice_subscribed(kind, factory()),
        )
        for kind, factory in [
            ("organisation", factories.OrganisationFactory),
            ("person", factories.PersonFactory),
            ("letter", factories.LetterFactory),
        ]
    ),
]


def _subscription(**fields):
    token = next(_subscription_tokens)
    return Subscription.objects.create(
        email="reader@example.org",
        email_key="reader@example.org",
        token_hash=f"{token:064d}",
        expires_at=timezone.now(),
        **fields,
    )


_subscription_tokens = itertools.count()


def _twice_subscribed(kind, target):
    _subscription(kind=kind, **{kind: target})
    return lambda: _subscription(kind=kind, **{kind: target})


@pytest.mark.parametrize(("constraint", "arrange"), CHECK_CASES)
def test_database_refuses_rows_that_break_a_check_constraint(db, constraint, arrange):
    violate = arrange()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        violate()


@pytest.mark.parametrize(("rule", "arrange"), UNIQUE_CASES)
def test_database_refuses_duplicates(db, rule, arrange):
    violate = arrange()
    with pytest.raises(IntegrityError), transaction.atomic():
        violate()


def test_every_named_constraint_has_a_case_above():
    named = {
        constraint.name
        for model in apps.get_app_config("letters").get_models()
        for constraint in model._meta.constraints
    }
    tested = {case.values[0] for case in CHECK_CASES + UNIQUE_CASES}
    assert named - tested == set()


def test_same_person_may_endorse_a_letter_again_from_another_source(db):
    endorsement = factories.EndorsementFactory()
    factories.EndorsementFactory(letter=endorsement.letter, person=endorsement.person)

    assert endorsement.person.endorsements.filter(letter=endorsement.letter).count() == 2


def test_same_signer_may_sign_different_letters(db, five_rights, sofia):
    for letter in factories.LetterFactory.create_batch(2):
        factories.SignatureFactory(letter=letter, organisation=five_rights)
        factories.PersonSignatureFactory(letter=letter, person=sofia)

    assert five_rights.signatures.count() == sofia.signatures.count() == 2


def test_two_people_may_share_an_alias(db):
    factories.PersonAliasFactory(name="J. Smith")
    factories.PersonAliasFactory(name="J. Smith")

    assert PersonAlias.objects.filter(name="J. Smith").count() == 2


def test_a_withdrawn_signature_may_record_when_and_why(db):
    signature = factories.SignatureFactory(
        status=SignatureStatus.WITHDRAWN, withdrawn_on="2021-03-03", withdrawal_reason="Asked."
    )

    assert signature.display_withdrawn_on == "3 March 2021"


# ---------------------------------------------------------------------------
# Partial dates
# ---------------------------------------------------------------------------

DATE_FIELD = Letter._meta.get_field("date")


@pytest.mark.parametrize("value", ["2024", "2023-08", "2020-02-06", "2020-02-29"])
def test_partial_date_accepts_a_year_a_month_or_a_day(value):
    assert DATE_FIELD.to_python(value) == value


@pytest.mark.parametrize("value", ["", "  ", None])
def test_partial_date_stores_blank_as_unknown(value):
    assert DATE_FIELD.to_python(value) is None


@pytest.mark.parametrize(
    "value", ["2020-13", "2021-02-30", "20-1", "2021-2-3", "6 February 2020", "2020/02/06"]
)
def test_partial_date_rejects_what_is_not_a_real_date(value):
    with pytest.raises(ValidationError):
        DATE_FIELD.to_python(value)


def test_letter_validation_rejects_an_impossible_date(db):
    letter = factories.LetterFactory.build(date="2021-02-30")

    with pytest.raises(ValidationError) as error:
        letter.full_clean()

    assert "date" in error.value.message_dict


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2020-02-06", "6 February 2020"),
        ("2023-08", "August 2023"),
        ("2024", "2024"),
        (None, "date unknown"),
        ("", "date unknown"),
    ],
)
def test_partial_dates_read_as_precisely_as_they_are_known(value, shown):
    assert format_partial_date(value) == shown


def test_letters_are_listed_newest_first_with_unknown_dates_last(db):
    for date in ["2020-02-06", None, "2024", "2023-08"]:
        factories.LetterFactory(title=f"Letter of {date}", date=date)

    assert [letter.date for letter in Letter.objects.all()] == [
        "2024",
        "2023-08",
        "2020-02-06",
        None,
    ]


# ---------------------------------------------------------------------------
# The listed count
# ---------------------------------------------------------------------------

NOT_LISTED = [
    SignatureStatus.DISPUTED,
    SignatureStatus.WITHDRAWN,
    SignatureStatus.PENDING,
    SignatureStatus.REJECTED,
]


def listed_count(letter: Letter) -> int:
    return Letter.objects.get(pk=letter.pk).listed_count


def test_listed_count_counts_reported_and_confirmed_signatures_only(published_letter):
    factories.SignatureFactory.create_batch(2, letter=published_letter)
    factories.SignatureFactory(letter=published_letter, status=SignatureStatus.CONFIRMED)
    for status in NOT_LISTED:
        factories.SignatureFactory(letter=published_letter, status=status)

    assert listed_count(published_letter) == 3


@pytest.mark.parametrize("status", NOT_LISTED)
def test_listed_count_follows_a_status_change_and_back(published_letter, status):
    factories.SignatureFactory(letter=published_letter)
    signature = factories.SignatureFactory(letter=published_letter)

    signature.status = status
    signature.save()
    assert listed_count(published_letter) == 1

    signature.status = SignatureStatus.CONFIRMED
    signature.save()
    assert listed_count(published_letter) == 2


def test_listed_count_drops_when_a_signature_is_deleted(published_letter):
    signatures = factories.SignatureFactory.create_batch(3, letter=published_letter)

    signatures[0].delete()
    assert listed_count(published_letter) == 2

    Signature.objects.filter(pk=signatures[1].pk).delete()
    assert listed_count(published_letter) == 1


@pytest.mark.parametrize("status", NOT_LISTED)
def test_listed_count_follows_a_bulk_status_update(published_letter, status):
    factories.SignatureFactory.create_batch(3, letter=published_letter)
    chosen = published_letter.signatures.order_by("pk")[:2].values("pk")

    assert Signature.objects.filter(pk__in=chosen).update(status=status) == 2
    assert listed_count(published_letter) == 1

    Signature.objects.filter(letter=published_letter).update(status=SignatureStatus.REPORTED)
    assert listed_count(published_letter) == 3


def test_listed_count_includes_bulk_created_signatures(published_letter):
    organisations = factories.OrganisationFactory.create_batch(3)
    Signature.objects.bulk_create(
        Signature(
            letter=published_letter, organisation=organisation, published_name="Name", sourced=True
        )
        for organisation in organisations
    )
    factories.create_signatures(published_letter, 4, status=SignatureStatus.PENDING)

    assert listed_count(published_letter) == 3


def test_listed_count_recounts_both_letters_when_a_loaded_signature_moves(published_letter):
    other = factories.LetterFactory()
    factories.SignatureFactory.create_batch(2, letter=published_letter)
    signature = Signature.objects.filter(letter=published_letter).first()

    signature.letter = other
    signature.save()

    assert (listed_count(published_letter), listed_count(other)) == (1, 1)


def test_listed_count_recounts_both_letters_when_a_new_signature_moves(published_letter):
    other = factories.LetterFactory()
    factories.SignatureFactory(letter=published_letter)
    signature = factories.SignatureFactory(letter=published_letter)

    signature.letter = other
    signature.save()

    assert (listed_count(published_letter), listed_count(other)) == (1, 1)


def test_listed_count_stays_exact_when_a_signature_moves_twice(published_letter):
    second, third = factories.LetterFactory.create_batch(2)
    signature = Signature.objects.get(pk=factories.SignatureFactory(letter=published_letter).pk)

    signature.letter = second
    signature.save()
    signature.letter = third
    signature.save()

    assert [listed_count(letter) for letter in (published_letter, second, third)] == [0, 0, 1]


def test_listed_count_recounts_both_letters_on_a_bulk_move(published_letter):
    other = factories.LetterFactory()
    factories.SignatureFactory.create_batch(3, letter=published_letter)

    moved = published_letter.signatures.order_by("pk")[:2].values("pk")
    Signature.objects.filter(pk__in=moved).update(letter=other)

    assert (listed_count(published_letter), listed_count(other)) == (1, 2)


def test_saving_a_letter_loaded_before_its_signatures_keeps_the_listed_count(published_letter):
    factories.SignatureFactory.create_batch(2, letter=published_letter)

    published_letter.summary = "Edited after the signatures came in."
    published_letter.save()

    assert listed_count(published_letter) == 2


# ---------------------------------------------------------------------------
# Reported counts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "summary"),
    [
        ([("129", 129), ("129", 129)], "129 reported"),
        ([("about 5,000", 5000)], "about 5,000 reported"),
        ([("128", 128), ("129", 129)], "128–129 reported (sources differ)"),
        ([("50+", 50), ("112", 112)], "50–112 reported (sources differ)"),
        ([("1,000", 1000), ("5,000+", 5000)], "1,000–5,000+ reported (sources differ)"),
        ([("129", 129), ("dozens", None)], "129 reported"),
        ([], ""),
    ],
)
def test_reported_summary_states_whether_sources_agree(published_letter, reported, summary):
    for text, value in reported:
        factories.ReportedCountFactory(
            letter=published_letter, signatories_text=text, signatories_value=value
        )

    assert Letter.objects.get(pk=published_letter.pk).reported_summary() == summary


# ---------------------------------------------------------------------------
# Search text and matching
# ---------------------------------------------------------------------------


def matching_names(query: str) -> set[str]:
    return set(Signature.objects.matching(query).values_list("published_name", flat=True))


def test_signature_becomes_findable_by_a_newly_added_alias(db, five_rights):
    factories.SignatureFactory(organisation=five_rights, published_name="5Rights")
    assert matching_names("beeban kidron's charity") == set()

    factories.OrganisationAliasFactory(organisation=five_rights, name="Beeban Kidron's charity")

    assert matching_names("beeban kidron's charity") == {"5Rights"}
    assert set(Organisation.objects.matching("kidron")) == {five_rights}


def test_signature_is_no_longer_found_by_a_removed_alias(db, five_rights):
    factories.SignatureFactory(organisation=five_rights, published_name="5Rights")
    assert matching_names("5 rights") == {"5Rights"}

    five_rights.aliases.get(name="5 Rights").delete()

    assert matching_names("5 rights") == set()
    assert list(Organisation.objects.matching("5 rights")) == []


def test_signature_follows_an_organisation_rename(db):
    organisation = factories.OrganisationFactory(name="Old Name Foundation")
    factories.SignatureFactory(organisation=organisation, published_name="ONF")

    organisation.name = "New Name Trust"
    organisation.save()

    assert matching_names("new name trust") == {"ONF"}
    assert matching_names("old name") == set()


def test_signature_follows_person_aliases(db, sofia):
    factories.PersonSignatureFactory(person=sofia, published_name="S. Núñez")

    alias = factories.PersonAliasFactory(person=sofia, name="Sofia Nunez-Garcia")
    assert matching_names("nunez-garcia") == {"S. Núñez"}

    alias.delete()
    assert matching_names("nunez-garcia") == set()


@pytest.mark.parametrize(
    "query",
    ["Sofía Núñez", "SOFIA NUNEZ", "sofia", "fía nú", "  sofía   núñez  ", "S. NÚÑEZ", "s. nu"],
)
def test_matching_is_case_and_accent_insensitive_and_finds_substrings(db, sofia, query):
    factories.PersonSignatureFactory(person=sofia, published_name="S. Núñez")
    factories.SignatureFactory(published_name="Someone Else")

    assert matching_names(query) == {"S. Núñez"}


@pytest.mark.parametrize("query", ["barnardo's", "Barnardo’s", "BARNARDO"])
def test_matching_treats_typographic_apostrophes_as_plain(db, query):
    factories.SignatureFactory(published_name="Barnardo’s")

    assert matching_names(query) == {"Barnardo’s"}


@pytest.mark.parametrize("query", ["", "   "])
def test_matching_an_empty_query_returns_everything(db, query):
    factories.SignatureFactory.create_batch(2)

    assert Signature.objects.matching(query).count() == 2


def test_letters_match_their_title_case_and_accent_insensitively(db):
    letter = factories.LetterFactory(title="Lettre ouverte à Meta")
    factories.LetterFactory(title="Another letter")

    assert list(Letter.objects.matching("A META")) == [letter]


# ---------------------------------------------------------------------------
# What is public
# ---------------------------------------------------------------------------


def test_only_public_statuses_on_published_letters_are_public(published_letter, draft_letter):
    for status in SignatureStatus.values:
        factories.SignatureFactory(letter=published_letter, status=status, published_name=status)
    factories.SignatureFactory(letter=draft_letter, published_name="on a draft")

    public = Signature.objects.public().values_list("published_name", flat=True)

    assert set(public) == {"reported", "confirmed", "disputed", "withdrawn"}


def _as_signer(signer) -> dict:
    if isinstance(signer, Organisation):
        return {"organisation": signer, "person": None}
    return {"organisation": None, "person": signer}


def _signs(letter, status=SignatureStatus.REPORTED):
    return lambda signer: factories.SignatureFactory(
        letter=letter, status=status, **_as_signer(signer)
    )


def _endorses(letter):
    return lambda signer: factories.EndorsementFactory(letter=letter, **_as_signer(signer))


def _organises(letter):
    return lambda signer: factories.OrganiserFactory(letter=letter, **_as_signer(signer))


def _is_addressed_by(letter):
    return lambda signer: factories.AddresseeFactory(letter=letter, **_as_signer(signer))


@pytest.mark.parametrize("signer_factory", [factories.OrganisationFactory, factories.PersonFactory])
@pytest.mark.parametrize(
    ("role", "is_public"),
    [
        ("signs", True),
        ("signs withdrawn", True),
        ("signs pending", False),
        ("signs rejected", False),
        ("signs a draft", False),
        ("endorses", True),
        ("endorses a draft", False),
        ("organises", True),
        ("organises a draft", False),
        ("is addressed", True),
        ("is addressed by a draft", False),
    ],
)
def test_signers_are_public_only_through_a_published_letter(
    published_letter, draft_letter, signer_factory, role, is_public
):
    arrangements = {
        "signs": _signs(published_letter),
        "signs withdrawn": _signs(published_letter, SignatureStatus.WITHDRAWN),
        "signs pending": _signs(published_letter, SignatureStatus.PENDING),
        "signs rejected": _signs(published_letter, SignatureStatus.REJECTED),
        "signs a draft": _signs(draft_letter),
        "endorses": _endorses(published_letter),
        "endorses a draft": _endorses(draft_letter),
        "organises": _organises(published_letter),
        "organises a draft": _organises(draft_letter),
        "is addressed": _is_addressed_by(published_letter),
        "is addressed by a draft": _is_addressed_by(draft_letter),
    }
    signer = signer_factory()
    arrangements[role](signer)

    assert list(signer_factory._meta.model.objects.public()) == ([signer] if is_public else [])


def test_public_signers_are_listed_once_however_many_letters_they_signed(db, five_rights):
    for letter in factories.LetterFactory.create_batch(3):
        factories.SignatureFactory(letter=letter, organisation=five_rights)
        factories.EndorsementFactory(letter=letter, person=None, organisation=five_rights)

    assert list(Organisation.objects.public()) == [five_rights]


def test_rows_on_a_letter_are_public_only_when_the_letter_is_published(
    published_letter, draft_letter
):
    for letter in (published_letter, draft_letter):
        factories.EndorsementFactory(letter=letter)
        factories.QuoteFactory(letter=letter)
        factories.ResponseFactory(letter=letter)
        factories.ReportedCountFactory(letter=letter)

    for model in (Endorsement, Quote, Response, ReportedCount):
        assert [row.letter for row in model.objects.public()] == [published_letter]
    assert list(Letter.objects.published()) == [published_letter]


def test_a_letters_public_list_holds_its_own_public_statuses_only(published_letter, draft_letter):
    for status in SignatureStatus.values:
        factories.SignatureFactory(letter=published_letter, status=status, published_name=status)
    factories.SignatureFactory(letter=factories.LetterFactory(), published_name="other letter")
    factories.SignatureFactory(letter=draft_letter, published_name="previewed on a draft")

    on_published = Signature.objects.public_on(published_letter)
    on_draft = Signature.objects.public_on(draft_letter)

    assert set(on_published.values_list("published_name", flat=True)) == {
        "reported",
        "confirmed",
        "disputed",
        "withdrawn",
    }
    # Whether the letter may be shown is the caller's to check: curators preview drafts.
    assert list(on_draft.values_list("published_name", flat=True)) == ["previewed on a draft"]


def test_public_signature_selects_the_public_signatures_from_a_signer_too(
    published_letter, draft_letter, five_rights
):
    factories.SignatureFactory(letter=published_letter, organisation=five_rights)
    factories.SignatureFactory(letter=draft_letter, organisation=five_rights)
    for status in (SignatureStatus.WITHDRAWN, SignatureStatus.PENDING):
        factories.SignatureFactory(
            letter=factories.LetterFactory(), organisation=five_rights, status=status
        )

    signed = Organisation.objects.annotate(
        public=Count("signatures", filter=public_signature("signatures__"))
    ).get()

    assert signed.public == 2
    assert set(Signature.objects.filter(public_signature())) == set(Signature.objects.public())
    assert Signature.objects.public().count() == 2


def test_a_topic_is_public_once_it_has_a_published_letter(published_letter, draft_letter):
    debate = Topic.objects.create(slug="debate", name="Debate")
    debate.letters.add(published_letter, draft_letter, factories.LetterFactory())
    drafts_only = Topic.objects.create(slug="drafts-only", name="Drafts only")
    drafts_only.letters.add(draft_letter)
    Topic.objects.create(slug="empty", name="Empty")

    public = Topic.objects.public()

    assert [(topic.slug, topic.letter_count) for topic in public] == [("debate", 2)]


def test_hosted_letters_are_published_letters_open_for_sign_ups(db):
    hosted = factories.LetterFactory(slug="hosted", accepts_signups=True)
    factories.LetterFactory(slug="tracked", accepts_signups=False)
    factories.LetterFactory(slug="hosted-draft", accepts_signups=True, visibility="draft")

    assert list(Letter.objects.hosted()) == [hosted]


# ---------------------------------------------------------------------------
# How each record reads and where it lives
# ---------------------------------------------------------------------------


@pytest.fixture
def letter_to_meta(db):
    return factories.LetterFactory(title="Letter to Meta", slug="letter-to-meta")


@pytest.mark.parametrize(
    ("arrange", "text"),
    [
        (lambda letter: letter, "Letter to Meta"),
        (lambda _: factories.OrganisationFactory(name="NSPCC"), "NSPCC"),
        (lambda _: factories.PersonFactory(name="Priti Patel"), "Priti Patel"),
        (lambda _: factories.OrganisationAliasFactory(name="N.S.P.C.C."), "N.S.P.C.C."),
        (lambda _: factories.PersonAliasFactory(name="Priti S. Patel"), "Priti S. Patel"),
        (
            lambda letter: factories.SignatureFactory(letter=letter, published_name="NSPCC"),
            "NSPCC on Letter to Meta",
        ),
        (lambda _: factories.SourceFactory(headline="Charities write"), "Charities write"),
        (lambda _: factories.SourceFactory(headline="", outlet="ITV News"), "ITV News"),
        (
            lambda _: factories.SourceFactory(url="https://bbc.example/1", headline="", outlet=""),
            "https://bbc.example/1",
        ),
        (
            lambda letter: factories.ReportedCountFactory(
                letter=letter,
                signatories_text="50+",
                source=factories.SourceFactory(url="https://www.bbc.co.uk/news/1", outlet=""),
            ),
            "50+ signatories (www.bbc.co.uk)",
        ),
        (
            lambda letter: factories.AddresseeFactory(
                letter=letter, name="Mark Zuckerberg", role="CEO"
            ),
            "Mark Zuckerberg, CEO",
        ),
        (lambda letter: factories.AddresseeFactory(letter=letter, name="Meta"), "Meta"),
        (lambda letter: factories.OrganiserFactory(letter=letter, name="NSPCC"), "NSPCC"),
        (
            lambda letter: factories.EndorsementFactory(
                letter=letter, person=factories.PersonFactory(name="Priti Patel")
            ),
            "Priti Patel supports Letter to Meta",
        ),
        (
            lambda letter: factories.EndorsementFactory(
                letter=letter,
                person=None,
                organisation=factories.OrganisationFactory(name="Meta"),
                stance="opposes",
            ),
            "Meta opposes Letter to Meta",
        ),
        (
            lambda letter: factories.QuoteFactory(letter=letter, text="x" * 70, speaker="Meta"),
            f"“{'x' * 60}” (Meta)",
        ),
        (
            lambda letter: factories.ResponseFactory(letter=letter, responder="Meta"),
            "Meta on Letter to Meta",
        ),
    ],
    ids=[
        "Letter",
        "Organisation",
        "Person",
        "OrganisationAlias",
        "PersonAlias",
        "Signature",
        "Source with headline",
        "Source with outlet",
        "Source with URL only",
        "ReportedCount",
        "Addressee with role",
        "Addressee",
        "Organiser",
        "Endorsement by a person",
        "Endorsement by an organisation",
        "Quote",
        "Response",
    ],
)
def test_each_record_reads_as_its_name(letter_to_meta, arrange, text):
    assert str(arrange(letter_to_meta)) == text


def test_letters_organisations_and_people_link_to_their_pages(letter_to_meta):
    organisation = factories.OrganisationFactory(slug="nspcc")
    person = factories.PersonFactory(slug="priti-patel")

    assert letter_to_meta.get_absolute_url() == "/letters/letter-to-meta/"
    assert organisation.get_absolute_url() == "/organisations/nspcc/"
    assert person.get_absolute_url() == "/people/priti-patel/"


def test_a_signature_links_to_its_row_on_the_letter_page(letter_to_meta):
    signature = factories.SignatureFactory(letter=letter_to_meta)

    assert signature.get_absolute_url() == f"/letters/letter-to-meta/#signature-{signature.pk}"
