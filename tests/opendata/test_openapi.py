"""The OpenAPI schema is valid, describes every /api/ URL, and every answer matches it."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from letters.models import Topic
from letters.opendata.openapi import openapi_schema
from tests import factories

SCHEMA_URI = "https://tracker.example/api/v1/openapi.json"


def test_the_schema_is_valid_openapi_3_1():
    validate(openapi_schema())


def test_the_schema_is_served(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json() == openapi_schema()


def api_routes(resolver=None, prefix: str = "") -> list[str]:
    """Every URL pattern under /api/, written as an OpenAPI path ('<int:id>' → '{id}')."""
    routes = []
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += api_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return routes


def test_every_api_url_is_documented():
    routes = api_routes()

    assert "/api/v1/letters/{slug}/signatures/" in routes
    assert sorted(routes) == sorted(openapi_schema()["paths"])


@pytest.fixture
def public_data(db) -> dict:
    """One of each public record, with its optional parts filled, for the walk."""
    topic = Topic.objects.create(slug="encryption", name="Encryption")
    answered = factories.LetterFactory(title="First letter")
    letter = factories.LetterFactory(title="Walked letter", in_response_to=answered)
    letter.topics.add(topic)
    letter.documents.add(factories.SourceFactory(kind="letter"))
    letter.coverage.add(factories.SourceFactory())
    factories.ReportedCountFactory(letter=letter)
    factories.LetterTextFactory(letter=letter, language="fr")
    factories.LetterTextFactory(
        letter=letter, language="en", is_original=False, translated_by="the organisers"
    )
    organisation = factories.OrganisationFactory(name="Walked Organisation", country="FR")
    factories.OrganisationAliasFactory(organisation=organisation)
    person = factories.PersonFactory(name="Walked Person")
    factories.AddresseeFactory(letter=letter, person=person)
    factories.AddresseeFactory(letter=letter, name="All platforms")
    factories.OrganiserFactory(letter=letter, organisation=organisation)
    signature = factories.SignatureFactory(
        letter=letter, organisation=organisation, first_listed="2020-02", country="FR"
    )
    signature.sources.add(factories.SourceFactory())
    factories.PersonSignatureFactory(
        letter=letter,
        person=person,
        status="withdrawn",
        withdrawn_on="2020-03-01",
        withdrawal_reason="Changed their mind.",
        signed_on_site_at=timezone.now(),
        verification_method="Checked by video call.",
    )
    endorsement = factories.EndorsementFactory(letter=letter)
    return {
        "slug": {
            "/api/v1/letters/{slug}/": letter.slug,
            "/api/v1/letters/{slug}/signatures/": letter.slug,
            "/api/v1/organisations/{slug}/": organisation.slug,
            "/api/v1/people/{slug}/": person.slug,
        },
        "id": {
            "/api/v1/signatures/{id}/": signature.pk,
            "/api/v1/endorsements/{id}/": endorsement.pk,
            "/api/v1/sources/{id}/": endorsement.source_id,
        },
    }


def response_validator(schema: dict, path: str, status: str) -> Draft202012Validator:
    """A validator for one documented answer, with the components' $refs resolvable."""
    resource = Resource.from_contents(schema, default_specification=DRAFT202012)
    registry = Registry().with_resource(SCHEMA_URI, resource)
    body_schema = {"$ref": SCHEMA_URI + "#" + _pointer_to(schema, path, status)}
    return Draft202012Validator(body_schema, registry=registry, format_checker=FormatChecker())


def _pointer_to(schema: dict, path: str, status: str) -> str:
    escaped = path.replace("~", "~0").replace("/", "~1")
    answer = schema["paths"][path]["get"]["responses"][status]
    if "$ref" in answer:
        return answer["$ref"].lstrip("#") + "/content/application~1json/schema"
    return f"/paths/{escaped}/get/responses/{status}/content/application~1json/schema"


def fill(path: str, public_data: dict) -> str:
    url = path
    for name, values in public_data.items():
        if "{" + name + "}" in url:
            url = url.replace("{" + name + "}", str(values[path]))
    assert "{" not in url, f"no fixture value for a parameter of {path}"
    return url


def test_every_documented_endpoint_answers_as_documented(client, public_data):
    schema = openapi_schema()
    exercised = set()
    for path in schema["paths"]:
        url = fill(path, public_data)

        response = client.get(url)

        assert response.status_code == 200, (url, response.content)
        body = response.json()
        errors = list(response_validator(schema, path, "200").iter_errors(body))
        assert not errors, (url, [error.message for error in errors])
        if "results" in body:
            assert body["results"], f"{url} listed nothing, so its items were not checked"
        exercised.add(path)

    assert exercised == set(schema["paths"])


@pytest.mark.parametrize(
    ("path", "url", "status"),
    [
        ("/api/v1/letters/", "/api/v1/letters/?side=sideways", "400"),
        ("/api/v1/letters/", "/api/v1/letters/?page=0", "400"),
        ("/api/v1/letters/", "/api/v1/letters/?page=9", "404"),
        ("/api/v1/letters/{slug}/", "/api/v1/letters/no-such-letter/", "404"),
        ("/api/v1/sources/{id}/", "/api/v1/sources/999999/", "404"),
    ],
)
def test_errors_answer_as_documented(client, public_data, path, url, status):
    schema = openapi_schema()

    response = client.get(url)

    assert str(response.status_code) == status
    errors = list(response_validator(schema, path, status).iter_errors(response.json()))
    assert not errors, [error.message for error in errors]


def test_the_validator_notices_an_answer_that_breaks_the_schema(client, public_data):
    schema = openapi_schema()
    body = client.get("/api/v1/letters/").json()
    body["results"][0]["staff_notes"] = "leaked"

    assert not response_validator(schema, "/api/v1/letters/", "200").is_valid(body)
