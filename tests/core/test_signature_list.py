"""A letter's public list stays exact through every kind of write.

The public signatures of a letter carry `list_rank` 1..public_count in published order
(position, published name, id), the others none, and the letter's `listed_count` and
`public_count` match its rows: pages of the list are ranges of ranks and the count shown
is the letter's, so a single wrong rank or count shows as a missing or doubled signatory.

Names are lowercase ASCII so that the name tie-break sorts the same in Python, in SQLite
and under any PostgreSQL collation.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters import signature_list
from letters.models import (
    LISTED_STATUSES,
    PUBLIC_STATUSES,
    Letter,
    Signature,
    SignatureStatus,
)
from tests import factories

HX = {"HX-Request": "true"}
NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
CHANGELIST = reverse("admin:letters_signature_changelist")
WITHDRAWAL = {"apply": "1", "withdrawn_on": "2021-03-03", "reason": "Asked to be removed."}


def assert_list_consistent(letter: Letter) -> None:
    """Recompute the letter's ranks and counts from its rows and compare with the stored ones."""
    rows = list(
        Signature.objects.filter(letter_id=letter.pk).values_list(
            "pk", "published_name", "status", "position", "list_rank", "sourced"
        )
    )
    public = sorted(
        (row for row in rows if row[2] in PUBLIC_STATUSES and row[5]),
        key=lambda row: (row[3], row[1], row[0]),
    )
    expected_ranks = {(pk, name): None for pk, name, *_ in rows}
    expected_ranks.update({(pk, name): rank for rank, (pk, name, *_) in enumerate(public, 1)})
    stored_ranks = {(pk, name): rank for pk, name, _, _, rank, _ in rows}
    assert stored_ranks == expected_ranks
    listed = sum(1 for row in rows if row[2] in LISTED_STATUSES and row[5])
    stored_counts = (
        Letter.objects.filter(pk=letter.pk).values_list("listed_count", "public_count").get()
    )
    assert stored_counts == (listed, len(public)), "(listed_count, public_count)"


def ranked_names(letter: Letter) -> list[str]:
    """The letter's public list as the pages read it: by rank."""
    return list(
        Signature.objects.filter(letter_id=letter.pk, list_rank__isnull=False)
        .order_by("list_rank")
        .values_list("published_name", flat=True)
    )


def counts(letter: Letter) -> tuple[int, int]:
    return Letter.objects.filter(pk=letter.pk).values_list("listed_count", "public_count").get()


def sign(letter: Letter, name: str, **fields) -> Signature:
    return factories.SignatureFactory(letter=letter, published_name=name, **fields)


def reload(signature: Signature) -> Signature:
    return Signature.objects.get(pk=signature.pk)


@pytest.fixture
def letter(published_letter) -> Letter:
    return published_letter


@pytest.fixture
def five(letter) -> list[Signature]:
    """alpha … echo, added one after the other: positions and ranks 1 to 5."""
    return [sign(letter, name) for name in NAMES[:5]]


# ---------------------------------------------------------------------------
# Adding signatures
# ---------------------------------------------------------------------------


def test_signatures_added_without_a_position_go_to_the_end(letter):
    for name in NAMES[:3]:
        sign(letter, name)
        assert_list_consistent(letter)

    assert list(letter.signatures.order_by("pk").values_list("position", flat=True)) == [1, 2, 3]
    assert ranked_names(letter) == ["alpha", "bravo", "charlie"]
    assert counts(letter) == (3, 3)


def test_a_signature_with_a_small_position_is_inserted_and_later_ranks_shift(letter, five):
    sign(letter, "bravissimo", position=2)

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["alpha", "bravissimo", "bravo", "charlie", "delta", "echo"]


def test_a_signature_added_at_position_one_takes_the_first_rank(letter, five):
    sign(letter, "aardvark", position=1)

    assert_list_consistent(letter)
    assert ranked_names(letter)[:2] == ["aardvark", "alpha"]


def test_a_pending_sign_up_takes_no_rank_and_is_not_counted(letter, five):
    sign(letter, "foxtrot", status=SignatureStatus.PENDING)

    assert_list_consistent(letter)
    assert ranked_names(letter) == NAMES[:5]
    assert counts(letter) == (5, 5)


# ---------------------------------------------------------------------------
# Status changes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "held", [False, True], ids=["object loaded from the database", "object kept since creation"]
)
def test_changes_between_public_statuses_keep_every_rank(letter, five, held):
    signature = five[2] if held else reload(five[2])
    listed_after = {
        SignatureStatus.CONFIRMED: 5,
        SignatureStatus.DISPUTED: 4,
        SignatureStatus.WITHDRAWN: 4,
    }

    for status, listed in listed_after.items():
        signature.status = status
        signature.save()

        assert_list_consistent(letter)
        assert ranked_names(letter) == NAMES[:5]
        assert counts(letter) == (listed, 5)


@pytest.mark.parametrize("status", [SignatureStatus.REJECTED, SignatureStatus.PENDING])
def test_a_signature_leaving_the_public_list_closes_the_gap(letter, five, status):
    signature = reload(five[1])
    signature.status = status
    signature.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["alpha", "charlie", "delta", "echo"]
    assert reload(signature).list_rank is None
    assert counts(letter) == (4, 4)


def test_an_approved_sign_up_at_the_end_takes_the_last_rank(letter, five):
    pending = sign(letter, "foxtrot", status=SignatureStatus.PENDING)

    signature = reload(pending)
    signature.status = SignatureStatus.CONFIRMED
    signature.save()

    assert_list_consistent(letter)
    assert reload(pending).list_rank == 6
    assert ranked_names(letter) == NAMES[:6]


def test_the_first_approved_sign_up_of_a_letter_takes_the_first_rank(letter):
    pending = [sign(letter, name, status=SignatureStatus.PENDING) for name in NAMES[:3]]

    signature = reload(pending[1])
    signature.status = SignatureStatus.CONFIRMED
    signature.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["bravo"]
    assert counts(letter) == (1, 1)


def test_an_approved_sign_up_in_the_middle_renumbers_the_ranks_after_it(letter, five):
    pending = sign(letter, "charlie junior", position=3, status=SignatureStatus.PENDING)

    signature = reload(pending)
    signature.status = SignatureStatus.CONFIRMED
    signature.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["alpha", "bravo", "charlie", "charlie junior", "delta", "echo"]


def test_an_approved_sign_up_overtaken_by_later_signatures_keeps_its_place(letter, five):
    pending = sign(letter, "foxtrot", status=SignatureStatus.PENDING)
    sign(letter, "golf")

    signature = reload(pending)
    signature.status = SignatureStatus.CONFIRMED
    signature.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == NAMES[:7]


def test_a_signature_put_back_after_rejection_gets_its_old_place_again(letter, five):
    signature = reload(five[1])
    signature.status = SignatureStatus.REJECTED
    signature.save()
    signature.status = SignatureStatus.REPORTED
    signature.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == NAMES[:5]


# ---------------------------------------------------------------------------
# Names, positions and letters
# ---------------------------------------------------------------------------


def test_renaming_a_signature_reorders_signatures_that_share_its_position(letter):
    sign(letter, "alpha")
    bravo = sign(letter, "bravo", position=2)
    sign(letter, "charlie", position=2)
    sign(letter, "delta", position=3)
    assert ranked_names(letter) == ["alpha", "bravo", "charlie", "delta"]

    signature = reload(bravo)
    signature.published_name = "zulu"
    signature.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["alpha", "charlie", "zulu", "delta"]


@pytest.mark.parametrize(
    ("moved", "position", "order"),
    [
        (4, 1, ["alpha", "echo", "bravo", "charlie", "delta"]),
        (0, 99, ["bravo", "charlie", "delta", "echo", "alpha"]),
        (1, 4, ["alpha", "charlie", "bravo", "delta", "echo"]),
    ],
    ids=["last to first", "first to last", "second to fourth"],
)
def test_changing_a_position_moves_the_signature_in_the_list(letter, five, moved, position, order):
    signature = reload(five[moved])
    signature.position = position
    signature.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == order


def test_moving_a_signature_to_another_letter_keeps_both_lists(letter, five):
    other = factories.LetterFactory()
    for name in ["kilo", "lima", "mike"]:
        sign(other, name)

    signature = reload(five[1])
    signature.letter = other
    signature.save()

    assert_list_consistent(letter)
    assert_list_consistent(other)
    assert ranked_names(letter) == ["alpha", "charlie", "delta", "echo"]
    assert ranked_names(other) == ["kilo", "bravo", "lima", "mike"]
    assert (counts(letter), counts(other)) == ((4, 4), (4, 4))


def test_a_letter_object_loaded_before_its_signatures_changed_saves_fresh_counts(letter):
    stale = Letter.objects.get(pk=letter.pk)
    sign(letter, "alpha")
    sign(letter, "bravo", status=SignatureStatus.DISPUTED)

    stale.title = "A new title"
    stale.save()

    assert_list_consistent(letter)
    assert counts(letter) == (1, 2)


# ---------------------------------------------------------------------------
# Deleting
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "held", [False, True], ids=["object loaded from the database", "object kept since creation"]
)
@pytest.mark.parametrize("index", [0, 2, 4], ids=["first", "middle", "last"])
def test_deleting_a_signature_closes_the_gap(letter, five, index, held):
    signature = five[index] if held else reload(five[index])

    signature.delete()

    assert_list_consistent(letter)
    assert ranked_names(letter) == [name for name in NAMES[:5] if name != NAMES[index]]
    assert counts(letter) == (4, 4)


def test_deleting_a_pending_signature_changes_no_rank(letter, five):
    pending = sign(letter, "charlie junior", position=3, status=SignatureStatus.PENDING)

    reload(pending).delete()

    assert_list_consistent(letter)
    assert ranked_names(letter) == NAMES[:5]


@pytest.mark.parametrize(
    "deleted",
    [["bravo", "charlie"], ["bravissimo", "charlie"]],
    ids=["in the order added", "one inserted before the others"],
)
def test_deleting_several_signatures_at_once_closes_every_gap(letter, five, deleted):
    sign(letter, "bravissimo", position=2)

    Signature.objects.filter(published_name__in=deleted).delete()

    assert_list_consistent(letter)
    kept = ["alpha", "bravissimo", "bravo", "charlie", "delta", "echo"]
    assert ranked_names(letter) == [name for name in kept if name not in deleted]


def test_the_admin_delete_action_closes_every_gap(admin_client, letter, five):
    inserted = sign(letter, "bravissimo", position=2)

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "_selected_action": [inserted.pk, five[2].pk],
            "post": "yes",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert not Signature.objects.filter(pk__in=[inserted.pk, five[2].pk]).exists()
    assert_list_consistent(letter)
    assert ranked_names(letter) == ["alpha", "bravo", "delta", "echo"]


def test_saving_an_object_loaded_before_another_signature_was_deleted_keeps_ranks(letter, five):
    echo = reload(five[4])
    reload(five[0]).delete()

    echo.status = SignatureStatus.CONFIRMED
    echo.save()

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["bravo", "charlie", "delta", "echo"]


# ---------------------------------------------------------------------------
# Bulk paths: QuerySet.update(), bulk_create(), admin actions, fixtures
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "order", "listed"),
    [
        (SignatureStatus.PENDING, ["alpha", "delta", "echo"], 3),
        (SignatureStatus.REJECTED, ["alpha", "delta", "echo"], 3),
        (SignatureStatus.DISPUTED, NAMES[:5], 3),
        (SignatureStatus.CONFIRMED, NAMES[:5], 5),
    ],
)
def test_updating_statuses_in_bulk_keeps_the_list(letter, five, status, order, listed):
    Signature.objects.filter(published_name__in=["bravo", "charlie"]).update(status=status)

    assert_list_consistent(letter)
    assert ranked_names(letter) == order
    assert counts(letter) == (listed, len(order))


def test_approving_pending_sign_ups_in_bulk_places_them(letter, five):
    sign(letter, "bravissimo", position=2, status=SignatureStatus.PENDING)
    sign(letter, "foxtrot", status=SignatureStatus.PENDING)

    Signature.objects.filter(status=SignatureStatus.PENDING).update(
        status=SignatureStatus.CONFIRMED
    )

    assert_list_consistent(letter)
    assert ranked_names(letter) == [
        "alpha",
        "bravissimo",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
    ]


def test_updating_positions_in_bulk_reorders_the_list(letter, five):
    Signature.objects.filter(published_name__in=["alpha", "bravo"]).update(position=10)

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["charlie", "delta", "echo", "alpha", "bravo"]


def test_updating_the_letter_in_bulk_keeps_both_lists(letter, five):
    other = factories.LetterFactory()
    sign(other, "kilo")

    Signature.objects.filter(published_name__in=["alpha", "delta"]).update(letter=other)

    assert_list_consistent(letter)
    assert_list_consistent(other)
    assert ranked_names(letter) == ["bravo", "charlie", "echo"]
    assert ranked_names(other) == ["alpha", "kilo", "delta"]


def test_bulk_update_of_statuses_and_positions_keeps_the_list(letter, five):
    alpha, bravo, charlie = (reload(signature) for signature in five[:3])
    alpha.position = 99
    bravo.status = SignatureStatus.PENDING
    charlie.status = SignatureStatus.WITHDRAWN

    Signature.objects.bulk_update([alpha, bravo, charlie], ["position", "status"])

    assert_list_consistent(letter)
    assert ranked_names(letter) == ["charlie", "delta", "echo", "alpha"]
    assert counts(letter) == (3, 4)


def new_signature(letter: Letter, name: str, **fields) -> Signature:
    organisation = factories.OrganisationFactory(name=f"{name} organisation")
    # Sourced, as a bulk path that also writes the sources marks them.
    return Signature(
        letter=letter, organisation=organisation, published_name=name, sourced=True, **fields
    )


def test_bulk_created_signatures_without_positions_follow_the_current_last(letter, five):
    reload(five[4]).delete()
    sign(letter, "echo", position=9)

    Signature.objects.bulk_create(new_signature(letter, name) for name in ["kilo", "lima", "mike"])

    assert_list_consistent(letter)
    assert dict(letter.signatures.values_list("published_name", "position")) == {
        "alpha": 1,
        "bravo": 2,
        "charlie": 3,
        "delta": 4,
        "echo": 9,
        "kilo": 10,
        "lima": 11,
        "mike": 12,
    }
    assert ranked_names(letter) == [*NAMES[:5], "kilo", "lima", "mike"]


def test_bulk_created_signatures_with_positions_are_placed_by_them(letter, five):
    Signature.objects.bulk_create(
        [
            new_signature(letter, "aardvark", position=1),
            new_signature(letter, "delta two", position=4),
            new_signature(letter, "hidden", position=2, status=SignatureStatus.PENDING),
            new_signature(letter, "zulu", position=50, status=SignatureStatus.WITHDRAWN),
        ]
    )

    assert_list_consistent(letter)
    assert ranked_names(letter) == [
        "aardvark",
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "delta two",
        "echo",
        "zulu",
    ]
    assert counts(letter) == (7, 8)


def test_bulk_created_signatures_on_several_letters_keep_each_list(letter, five):
    other = factories.LetterFactory()
    sign(other, "kilo")

    Signature.objects.bulk_create(
        [
            new_signature(letter, "foxtrot"),
            new_signature(other, "lima"),
            new_signature(letter, "golf", status=SignatureStatus.PENDING),
            new_signature(other, "juliet", position=1),
        ]
    )

    assert_list_consistent(letter)
    assert_list_consistent(other)
    assert ranked_names(letter) == NAMES[:6]
    assert ranked_names(other) == ["juliet", "kilo", "lima"]


def run_action(client, action: str, signatures, **form):
    """Select rows on the signature changelist and run an action, as its form does."""
    data = {"action": action, "_selected_action": [s.pk for s in signatures], "index": 0}
    return client.post(CHANGELIST, {**data, **form}, follow=True)


@pytest.fixture
def with_sign_ups(letter, five) -> list[Signature]:
    """alpha … echo, with pending sign-ups between bravo and charlie and after echo."""
    return [
        *five,
        sign(letter, "bravissimo", position=2, status=SignatureStatus.PENDING),
        sign(letter, "foxtrot", status=SignatureStatus.PENDING),
    ]


@pytest.mark.parametrize(
    ("action", "listed"),
    [("mark_confirmed", 7), ("mark_disputed", 4)],
)
def test_admin_status_actions_keep_the_list(curator_client, letter, with_sign_ups, action, listed):
    selected = [s for s in with_sign_ups if s.published_name in {"bravo", "bravissimo", "foxtrot"}]

    response = run_action(curator_client, action, selected)

    assert response.status_code == 200
    assert_list_consistent(letter)
    assert ranked_names(letter) == [
        "alpha",
        "bravissimo",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
    ]
    assert counts(letter) == (listed, 7)


def test_admin_withdrawal_keeps_the_list_through_both_steps(curator_client, letter, with_sign_ups):
    selected = [s for s in with_sign_ups if s.published_name in {"charlie", "foxtrot"}]

    form = run_action(curator_client, "mark_withdrawn", selected)

    assert "Withdraw 2 signatures" in form.content.decode()
    assert_list_consistent(letter)
    assert counts(letter) == (5, 5)

    run_action(curator_client, "mark_withdrawn", selected, **WITHDRAWAL)

    assert_list_consistent(letter)
    assert ranked_names(letter) == NAMES[:6]
    assert counts(letter) == (4, 6)


def test_loading_the_demo_fixtures_twice_keeps_every_list(db):
    for _ in range(2):
        call_command("load_demo", stdout=io.StringIO())

        letters = list(Letter.objects.all())
        assert letters
        for letter in letters:
            assert_list_consistent(letter)
    assert Signature.objects.filter(list_rank__isnull=False).count() == Signature.objects.count()


# ---------------------------------------------------------------------------
# Letter pages read the ranks
# ---------------------------------------------------------------------------

HIDDEN = {3: SignatureStatus.PENDING, 8: SignatureStatus.REJECTED, 9: SignatureStatus.PENDING}
HIDDEN |= {15: SignatureStatus.REJECTED, 21: SignatureStatus.PENDING}
HIDDEN |= {26: SignatureStatus.PENDING, 27: SignatureStatus.REJECTED}
OTHER_PUBLIC = {5: SignatureStatus.CONFIRMED, 11: SignatureStatus.DISPUTED}
OTHER_PUBLIC |= {24: SignatureStatus.WITHDRAWN}


@pytest.fixture
def long_letter(letter, settings) -> list[str]:
    """23 public signatures with 7 pending or rejected ones between them, 5 to a page.

    Returns the public names in published order.
    """
    settings.LETTER_SIGNATORIES_PER_PAGE = 5
    for n in range(1, 31):
        status = HIDDEN.get(n) or OTHER_PUBLIC.get(n, SignatureStatus.REPORTED)
        sign(letter, f"signatory {n:02}", status=status)
    assert_list_consistent(letter)
    return [f"signatory {n:02}" for n in range(1, 31) if n not in HIDDEN]


def listed_on_page(response) -> list[str]:
    """The published names in the rendered list, in the order shown."""
    return re.findall(
        r'<li id="signature-\d+" class="signatory[^"]*">\s*<a href="[^"]*">([^<]*)</a>',
        response.content.decode(),
    )


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_each_page_shows_its_slice_of_the_public_list(client, letter, long_letter, headers, number):
    response = client.get(letter.get_absolute_url(), {"page": number}, headers=headers)

    assert response.status_code == 200
    expected = long_letter[(number - 1) * 5 : number * 5]
    assert listed_on_page(response) == expected
    assert [row["published_name"] for row in response.context["page"]] == expected
    assert response.context["page"].number == number
    assert response.context["page"].paginator.count == 23
    assert "23 signatories shown" in response.content.decode()
    assert ("<html" in response.content.decode()) is not bool(headers)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_a_page_past_the_end_shows_the_last_page(client, letter, long_letter, headers):
    response = client.get(letter.get_absolute_url(), {"page": 99}, headers=headers)

    assert response.status_code == 200
    assert response.context["page"].number == 5
    assert (
        listed_on_page(response)
        == long_letter[20:]
        == ["signatory 28", "signatory 29", "signatory 30"]
    )
    assert "Page 5 of 5" in response.content.decode()


def signature_queries(context) -> list[str]:
    return [q["sql"] for q in context.captured_queries if "letters_signature" in q["sql"]]


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
@pytest.mark.parametrize("number", [1, 3, 5])
def test_the_letter_page_neither_counts_nor_skips_signatures(
    client, letter, long_letter, headers, number
):
    with CaptureQueriesContext(connection) as context:
        response = client.get(letter.get_absolute_url(), {"page": number}, headers=headers)

    assert response.status_code == 200
    queries = signature_queries(context)
    assert queries
    assert [sql for sql in queries if "COUNT(" in sql.upper()] == []
    assert [sql for sql in queries if " OFFSET " in sql.upper()] == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")
def test_recounting_a_letter_reads_its_indexes_not_its_signatures(letter):
    # Every status change recounts its letter inside the write. Reading the signature
    # rows to check `sourced` made that 0.9 s of write lock on a letter of 100,000.
    for name in NAMES:
        factories.SignatureFactory(letter=letter, published_name=name, first_listed="2020-02")
    with CaptureQueriesContext(connection) as recount:
        signature_list.recount(Letter.objects.filter(pk=letter.pk))
    counting = [q["sql"] for q in recount.captured_queries if "COUNT(" in q["sql"]]

    assert len(counting) == 2  # the listed and public counts; the chart's dates
    for sql in counting:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = [row[3] for row in cursor.fetchall()]
        reads = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
        signature_reads = [step for step in reads if "letters_letter " not in step]
        assert signature_reads, plan
        assert all("USING COVERING INDEX" in step for step in signature_reads), plan
