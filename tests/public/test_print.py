"""The printable page of a letter: the whole public signatory list on one page, however
long, for a constant number of queries; the letter page links to it."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from letters.models import SignatureStatus
from letters.public.printing import full_public_list
from tests import factories
from tests.helpers import assert_strict_policy, inline_code


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(title="Long letter", slug="long-letter")
    factories.create_signatures(letter, 7)
    factories.create_signatures(letter, 1, name="Withdrawn", status=SignatureStatus.WITHDRAWN)
    factories.create_signatures(letter, 1, name="Pending", status=SignatureStatus.PENDING)
    factories.create_signatures(letter, 1, name="Rejected", status=SignatureStatus.REJECTED)
    return letter


def print_url(letter) -> str:
    return letter.get_absolute_url() + "print/"


def test_the_printable_page_lists_every_public_signatory_past_the_page_size(
    client, letter, settings
):
    settings.LETTER_SIGNATORIES_PER_PAGE = 3

    response = client.get(print_url(letter))

    content = response.content.decode()
    assert response.status_code == 200
    for number in range(1, 8):
        assert f"<li>Signatory {number:04}" in content
    assert "<li>Withdrawn 0008" in content
    assert "withdrawn on" in content
    assert "Pending" not in content
    assert "Rejected" not in content
    assert content.index("Signatory 0001") < content.index("Signatory 0007")
    assert "All 8 signatories" in content
    assert 'class="pagination"' not in content
    assert "<form" not in content
    assert_strict_policy(response)
    assert inline_code(response) == []


def test_the_printable_page_costs_the_same_queries_whatever_the_list_length(client, letter):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(print_url(letter)).status_code == 200
        return len(context.captured_queries)

    with_10 = queries()
    factories.create_signatures(letter, 490)
    assert queries() == with_10


def test_the_full_list_is_read_in_chunks_not_loaded_whole_by_the_template(letter):
    letter.refresh_from_db()
    rows = full_public_list(letter)

    rendered = Template("{% for s in rows %}{{ s.published_name }};{% endfor %}").render(
        Context({"rows": rows})
    )

    assert len(rows) == 8
    assert rendered.startswith("Signatory 0001;Signatory 0002;")
    assert rendered.count(";") == 8
    assert rows.queryset._result_cache is None  # iterated, never cached as a list


def test_a_draft_letter_has_no_printable_page(client, draft_letter):
    assert client.get(print_url(draft_letter)).status_code == 404


def test_the_letter_page_links_to_its_printable_list(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()

    assert f'<a class="print-link" href="{print_url(letter)}">Print the full list</a>' in content


def test_a_paginated_list_tells_the_printout_where_the_whole_list_is(client, letter, settings):
    settings.LETTER_SIGNATORIES_PER_PAGE = 3

    content = client.get(letter.get_absolute_url(), {"page": 2}).content.decode()

    assert (
        '<p class="print-only">This printout shows signatories 4–6 of 8. The whole list, ready '
        f"to print: http://testserver{print_url(letter)}</p>" in content
    )


def test_a_list_on_one_page_prints_whole_without_a_note(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()

    assert 'class="print-only"' not in content
