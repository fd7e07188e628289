"""Topics: which side each organisation took across a debate's letters."""

from letters.insight.topics import topic_table
from letters.models import Side, Topic
from tests import factories
from tests.helpers import count_queries

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
    assert "<caption>" in html and '<th scope="row">' in html and '<th scope="col">' in html
    assert "signed — for E2EE" in html
    assert "signed — against E2EE rollout (without lawful access)" in html
    assert 'class="table-scroll"' in html


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
    topic.letters.add(factories.LetterFactory())

    html = client.get("/topics/x/").content.decode()

    assert "<i>x</i>" not in html and "<b>y</b>" not in html


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
