"""Topics: which side each organisation took across a debate's letters."""

from letters.insight.topics import topic_table
from letters.models import Side, Signature, Topic
from tests import factories
from tests.helpers import NSPCC_SLUG, count_queries

GOVERNMENT = "2019-10-04_barr-patel-dutton-mcaleenan-letter-to-zuckerberg"
CIVIL_SOCIETY = "2019-10-04_civil-society-letter-facebook-e2ee"
DEBATE = "end-to-end-encryption-debate"


def test_every_demo_letter_belongs_to_the_encryption_debate(demo_data):
    topic = Topic.objects.get(slug=DEBATE)
    assert topic.name == "The end-to-end encryption debate"
    assert topic.letters.count() == 14


def test_the_topic_table_puts_the_government_and_civil_society_letters_on_opposite_sides(
    client, demo_data
):
    response = client.get(f"/topics/{DEBATE}/")

    assert response.status_code == 200
    letters = {letter.slug: letter for letter in response.context["table"].letters}
    assert letters[GOVERNMENT].side == Side.AGAINST
    assert letters[CIVIL_SOCIETY].side == Side.FOR
    html = response.content.decode()
    assert '<caption id="matrix-' in html
    assert '<th scope="row">' in html and '<th scope="col">' in html
    assert '<span class="visually-hidden">signed (for)</span>' in html
    assert '<span class="visually-hidden">signed (against)</span>' in html
    assert 'class="table-scroll"' in html


def test_the_matrix_has_a_numbered_column_per_letter_and_a_legend_for_its_marks(client, demo_data):
    response = client.get(f"/topics/{DEBATE}/")
    html = response.content.decode()
    columns = response.context["table"].columns

    assert [column.number for column in columns] == list(range(1, 15))
    for column in columns:
        header = (
            f'<th scope="col" class="letter-column"><a href="#letter-{column.number}">'
            f'<span class="visually-hidden">Letter </span>{column.number}</a></th>'
        )
        assert html.count(header) == 2  # organisations and people
        assert f'<li id="letter-{column.number}" value="{column.number}">' in html
    for side, mark, meaning in [
        ("for", "+", "signed a letter for"),
        ("against", "−", "signed a letter against"),
    ]:
        legend = f'<dt><span class="side-mark side-{side}">{mark}</span></dt><dd>{meaning}</dd>'
        assert legend in html
    # The old cells repeated the stance sentence in every cell.
    assert "signed — " not in html


def test_phones_get_the_letters_one_by_one_with_their_signers(client, demo_data):
    response = client.get(f"/topics/{DEBATE}/")
    table = response.context["table"]
    html = response.content.decode()

    signed = [
        signature for column in table.columns for signature in column.organisations + column.people
    ]
    assert len(signed) == Signature.objects.filter(letter__topics__slug=DEBATE).count()
    nspcc = next(column for column in table.columns if column.letter.slug == NSPCC_SLUG)
    assert [s.signer.name for s in nspcc.organisations] == sorted(
        (s.signer.name for s in nspcc.organisations), key=str.casefold
    )
    assert f'<h3 id="group-{nspcc.number}">{nspcc.number}. ' in html
    assert "No signatory listed here." in html  # a letter whose list is not in the sources


def test_signers_of_several_letters_are_listed_first_with_each_letter_and_side(demo_data):
    table = topic_table(Topic.objects.get(slug=DEBATE))

    assert table.several
    for row in table.several:
        assert len(row.signed) > 1
        assert [number for number, _ in row.signed] == sorted(number for number, _ in row.signed)
    names = {row.signer.name for row in table.several}
    assert "Barnardo's" in names


def test_cells_follow_the_letters_columns_and_skip_withdrawn_signatures(db):
    topic = Topic.objects.create(slug="t", name="T")
    early = factories.LetterFactory(date="2019", side=Side.FOR, stance="for E2EE")
    late = factories.LetterFactory(date="2021-05", side=Side.AGAINST)
    undated = factories.LetterFactory(date=None)
    draft = factories.LetterFactory(visibility="draft")
    topic.letters.add(late, undated, early, draft)
    organisation = factories.OrganisationFactory()
    factories.SignatureFactory(letter=early, organisation=organisation)
    factories.SignatureFactory(
        letter=late, organisation=organisation, status="withdrawn", withdrawn_on="2021-06"
    )
    factories.SignatureFactory(letter=draft, organisation=organisation)

    table = topic_table(topic)

    assert table.letters == [early, late, undated]
    [row] = table.organisations
    assert row.signer == organisation
    assert [cell is not None for cell in row.cells] == [True, False, False]


def test_the_topic_list_shows_topics_with_published_letters_only(client, db):
    shown = Topic.objects.create(slug="shown", name="Shown topic")
    shown.letters.add(factories.LetterFactory())
    hidden = Topic.objects.create(slug="hidden", name="Hidden topic")
    hidden.letters.add(factories.LetterFactory(visibility="draft"))

    html = client.get("/topics/").content.decode()

    assert "Shown topic" in html and "Hidden topic" not in html
    assert client.get("/topics/hidden/").status_code == 404
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_topic_names_are_escaped(client, db):
    topic = Topic.objects.create(slug="x", name="<i>x</i>", description="<b>y</b>")
    letter = factories.LetterFactory(title="<em>t</em>", stance="<u>s</u>")
    topic.letters.add(letter)
    factories.SignatureFactory(letter=letter, organisation__name="<s>n</s>")

    html = client.get("/topics/x/").content.decode()

    for raw in ("<i>x</i>", "<b>y</b>", "<em>t</em>", "<u>s</u>", "<s>n</s>"):
        assert raw not in html


def test_topic_page_queries_do_not_grow_with_letters_or_signers(client, db):
    topic = Topic.objects.create(slug="grow", name="Grow")
    letters = factories.LetterFactory.create_batch(2)
    topic.letters.add(*letters)
    factories.create_signatures(letters[0], 4)
    before = count_queries(client, "/topics/grow/")

    more = factories.LetterFactory.create_batch(5)
    topic.letters.add(*more)
    for letter in more:
        factories.create_signatures(letter, 20)

    assert count_queries(client, "/topics/grow/") == before
