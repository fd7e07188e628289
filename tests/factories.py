import factory
from django.utils.text import slugify

from letters import models


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ["url"]

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    outlet = "Example News"
    headline = factory.Sequence(lambda n: f"Story {n}")
    date = "2020-02-06"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = models.OrganisationKind.NGO


class OrganisationAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrganisationAlias

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PersonAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PersonAlias

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Other Name {n}")


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Letter

    title = factory.Sequence(lambda n: f"Open letter {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    date = "2020-02-06"
    visibility = models.Visibility.PUBLISHED
    side = models.Side.AGAINST
    stance = "against E2EE rollout"
    summary = "A letter used in tests."


class ReportedCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReportedCount

    letter = factory.SubFactory(LetterFactory)
    signatories_text = "129"
    signatories_value = 129
    source = factory.SubFactory(SourceFactory)


class SignatureFactory(factory.django.DjangoModelFactory):
    """An organisation's signature; pass `person=...` with `organisation=None` for a person."""

    class Meta:
        model = models.Signature

    letter = factory.SubFactory(LetterFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    person = None
    published_name = factory.LazyAttribute(
        lambda o: (o.organisation or o.person).name if (o.organisation or o.person) else "Nobody"
    )
    status = models.SignatureStatus.REPORTED


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Endorsement

    letter = factory.SubFactory(LetterFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = None
    office = "Home Secretary"
    jurisdiction = "United Kingdom"
    date = "2020-02-06"
    quote = "I fully support this letter."
    source = factory.SubFactory(SourceFactory)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Quote

    letter = factory.SubFactory(LetterFactory)
    text = factory.Sequence(lambda n: f"Quoted passage {n}.")
    speaker = "the letter"
    source = factory.SubFactory(SourceFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Response

    letter = factory.SubFactory(LetterFactory)
    responder = "Facebook (spokesperson)"
    quote = "We disagree."
    source = factory.SubFactory(SourceFactory)
