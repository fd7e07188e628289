"""The OpenAPI 3.1 description of the read-only API (letters/api.py), served at
/api/v1/openapi.json.

Written by hand as a dict, next to the views it describes. tests/opendata/test_openapi.py
validates it, calls every path it lists and checks each answer against it, and checks
that every /api/ URL is listed here.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from letters.models import (
    PUBLIC_STATUSES,
    EndorsementStance,
    OrganisationKind,
    Side,
    SignerKind,
    SourceKind,
)

from .params import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .records import JsonObject
from .responses import api_view


def ref(name: str) -> JsonObject:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema_type: str, **extra: Any) -> JsonObject:
    return {"type": [schema_type, "null"], **extra}


def strict(properties: JsonObject, description: str = "") -> JsonObject:
    """An object with exactly these properties, all present (null where unknown)."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


TEXT = {"type": "string"}
# Countries are ISO 3166-1 alpha-2 codes, empty when not known (letters/lib/countries.py).
COUNTRY = {
    "type": "string",
    "pattern": "^([A-Z]{2})?$",
    "description": "ISO 3166-1 alpha-2 code, e.g. GB; empty when not known.",
}
COUNTRY_PARAMETER = (
    "Country as an ISO 3166-1 alpha-2 code, e.g. 'GB' (a country name such as "
    "'United Kingdom' is read as its code)."
)
URL = {"type": "string", "format": "uri"}
PARTIAL_DATE = nullable(
    "string",
    pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
    description="As precise as the sources allow: YYYY-MM-DD, YYYY-MM or YYYY; null if unknown.",
)

WITHDRAWAL_REASON = {**TEXT, "description": "Why the signatory withdrew; empty unless withdrawn."}
# Where a signature made through this site's sign form comes from; null or empty for a
# signature taken from a published source (`source_urls` say where that one is from).
SITE_SIGNUP = {
    "signed_on_site_on": nullable(
        "string",
        format="date",
        description="Signed through this site's form: the day the signer confirmed their "
        "email address. Null for a signature taken from a published source.",
    ),
    "verification": {
        "enum": ["domain", "curator", "none", None],
        "description": "How the signer of a signature made on this site was verified: "
        "`domain` (the confirmed email address is at the organisation's website domain, "
        "`verified_domain`), `curator` (a curator verified it, `verification_method` says "
        "how) or `none` (not verified: an individual, or someone who said they sign for an "
        "organisation, listed as an individual with it as affiliation). Null for a "
        "signature taken from a published source.",
    },
    "verified_domain": {**TEXT, "description": "With `domain`: the website domain verified."},
    "verification_method": {
        **TEXT,
        "description": "With `curator`: how the curator verified the signer.",
    },
}

SCHEMAS = {
    "Licence": strict(
        {
            "name": TEXT,
            "url": URL,
            "methodology": {**URL, "description": "How the data is collected and checked."},
        },
        "The licence of the data, in every answer.",
    ),
    "Error": strict(
        {
            "error": strict(
                {"status": {"type": "integer"}, "message": {**TEXT, "description": "For people."}}
            )
        }
    ),
    "SignerRef": strict(
        {
            "kind": {"enum": ["organisation", "person"]},
            "slug": TEXT,
            "name": {**TEXT, "description": "The canonical name."},
            "url": URL,
            "api_url": URL,
        }
    ),
    "Source": strict(
        {
            "id": {"type": "integer"},
            "url": URL,
            "outlet": TEXT,
            "headline": TEXT,
            "headline_is_rebuilt": {"type": "boolean"},
            "date": PARTIAL_DATE,
            "kind": {"enum": SourceKind.values},
            "is_copy": {"type": "boolean"},
            "authors": TEXT,
            "note": TEXT,
            "archived_url": {**TEXT, "description": "A saved copy; empty if none."},
        }
    ),
    "Letter": strict(
        {
            "slug": TEXT,
            "title": TEXT,
            "date": PARTIAL_DATE,
            "side": {"enum": Side.values},
            "stance": TEXT,
            "listed_count": {"type": "integer", "description": "Reported and confirmed."},
            "public_count": {"type": "integer", "description": "Listed, disputed, withdrawn."},
            "topics": {"type": "array", "items": TEXT},
            "url": URL,
            "api_url": URL,
        }
    ),
    "Party": strict(
        {"name": TEXT, "role": TEXT, "signer": {"oneOf": [ref("SignerRef"), {"type": "null"}]}},
        "An addressee or an organiser, as the letter names them.",
    ),
    "ReportedCount": strict(
        {
            "signatories_text": {**TEXT, "description": "As published: '50+', '129'."},
            "signatories_value": nullable("integer"),
            "countries": nullable("integer"),
            "note": TEXT,
            "source": ref("Source"),
        }
    ),
    "LetterText": strict(
        {
            "language": {**TEXT, "description": "A language code, e.g. 'en', 'fr', 'pt-br'."},
            "language_name": {**TEXT, "description": "The language's name in English."},
            "is_original": {
                "type": "boolean",
                "description": "The language the letter was written in; false: a translation.",
            },
            "translated_by": {**TEXT, "description": "Who translated it; empty if not stated."},
            "title": {**TEXT, "description": "The letter's own heading; empty if none."},
            "body": {
                **TEXT,
                "description": "The text as published; a blank line between paragraphs.",
            },
            "source": {
                "oneOf": [ref("Source"), {"type": "null"}],
                "description": "Where it is published; null for a letter hosted on this site.",
            },
        },
        "The letter in its own words, in one language, as published.",
    ),
    "LetterDetail": strict(
        {
            "slug": TEXT,
            "title": TEXT,
            "title_is_descriptive": {"type": "boolean"},
            "url": URL,
            "date": PARTIAL_DATE,
            "date_note": TEXT,
            "summary": TEXT,
            "asks": {"type": "array", "items": TEXT},
            "platforms": {"type": "array", "items": TEXT},
            "side": {"enum": Side.values},
            "stance": TEXT,
            "signatories_note": TEXT,
            "notes": TEXT,
            "listed_count": {"type": "integer"},
            "public_count": {"type": "integer"},
            "last_reviewed_on": nullable("string", format="date"),
            "texts": {"type": "array", "items": ref("LetterText")},
            "topics": {"type": "array", "items": TEXT},
            "in_response_to": nullable("string", description="The slug of the letter answered."),
            "addressees": {"type": "array", "items": ref("Party")},
            "organisers": {"type": "array", "items": ref("Party")},
            "reported_counts": {"type": "array", "items": ref("ReportedCount")},
            "sources": {"type": "array", "items": ref("LetterSource")},
            "signatures_url": URL,
            "endorsements_url": URL,
            "csv_url": URL,
            "json_url": URL,
        }
    ),
    "Signature": strict(
        {
            "id": {"type": "integer"},
            "letter": {**TEXT, "description": "The letter's slug."},
            "position": {"type": "integer", "description": "Place in the public list."},
            "published_name": {**TEXT, "description": "As the letter's list prints it."},
            "canonical_name": TEXT,
            "canonical_slug": TEXT,
            "canonical_url": URL,
            "kind": {"enum": SignerKind.values},
            "role": TEXT,
            "country": COUNTRY,
            "country_is_inferred": {"type": "boolean"},
            "status": {"enum": [str(s) for s in PUBLIC_STATUSES]},
            "first_listed": PARTIAL_DATE,
            "withdrawn_on": PARTIAL_DATE,
            "withdrawal_reason": WITHDRAWAL_REASON,
            "note": TEXT,
            "source_urls": {"type": "array", "items": URL},
            **SITE_SIGNUP,
        }
    ),
    "Organisation": strict(
        {
            "kind": {"const": "organisation"},
            "slug": TEXT,
            "name": TEXT,
            "url": URL,
            "api_url": URL,
            "country": COUNTRY,
            "organisation_kind": {"enum": OrganisationKind.values},
            "website": TEXT,
        }
    ),
    "Person": strict(
        {
            "kind": {"const": "person"},
            "slug": TEXT,
            "name": TEXT,
            "url": URL,
            "api_url": URL,
            "country": COUNTRY,
            "website": TEXT,
        }
    ),
    "Signed": strict(
        {
            "id": {"type": "integer"},
            "letter": TEXT,
            "letter_title": TEXT,
            "published_name": TEXT,
            "role": TEXT,
            "status": {"enum": [str(s) for s in PUBLIC_STATUSES]},
            "first_listed": PARTIAL_DATE,
            "withdrawn_on": PARTIAL_DATE,
            "withdrawal_reason": WITHDRAWAL_REASON,
            **SITE_SIGNUP,
        },
        "A public signature, seen from its signer.",
    ),
    "Endorsement": strict(
        {
            "id": {"type": "integer"},
            "letter": TEXT,
            "endorser": ref("SignerRef"),
            "office": TEXT,
            "jurisdiction": TEXT,
            "date": PARTIAL_DATE,
            "stance": {"enum": EndorsementStance.values},
            "quote": TEXT,
            "note": TEXT,
            "source": ref("Source"),
        }
    ),
}

SCHEMAS["LetterSource"] = strict(
    {**SCHEMAS["Source"]["properties"], "role": {"enum": ["document", "coverage"]}},
    "A source of a letter: its own document, or coverage of it.",
)
SIGNER_DETAIL_EXTRA = {
    "aliases": {"type": "array", "items": TEXT},
    "signatures": {"type": "array", "items": ref("Signed")},
}
for name in ("Organisation", "Person"):
    SCHEMAS[f"{name}Detail"] = strict({**SCHEMAS[name]["properties"], **SIGNER_DETAIL_EXTRA})


def page_of(item: str) -> JsonObject:
    return strict(
        {
            "licence": ref("Licence"),
            "count": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "next": nullable("string", format="uri"),
            "previous": nullable("string", format="uri"),
            "results": {"type": "array", "items": ref(item)},
        }
    )


def detail_of(item: str) -> JsonObject:
    return strict({"licence": ref("Licence"), "data": ref(item)})


def query(name: str, description: str, schema: JsonObject | None = None) -> JsonObject:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or TEXT,
    }


def path_parameter(name: str, schema: JsonObject, description: str) -> JsonObject:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


DAY = {"type": "string", "format": "date"}
PARAMETERS = {
    "page": query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    "page_size": query(
        "page_size",
        f"Results per page; larger values are capped at {MAX_PAGE_SIZE}.",
        {"type": "integer", "minimum": 1, "default": DEFAULT_PAGE_SIZE},
    ),
    "letter_slug": path_parameter("slug", {"type": "string"}, "The letter's slug."),
    "signer_slug": path_parameter("slug", {"type": "string"}, "The record's slug."),
    "id": path_parameter("id", {"type": "integer"}, "The record's id."),
}


def parameter_ref(name: str) -> JsonObject:
    return {"$ref": f"#/components/parameters/{name}"}


PAGE_PARAMETERS = [parameter_ref("page"), parameter_ref("page_size")]

ERRORS = {
    "BadRequest": "A parameter is unknown or has an invalid value; the message says which.",
    "NotFound": "No public record has this slug or id, or the page is past the last.",
    "MethodNotAllowed": "The API is read-only: GET and HEAD only.",
}


def error_ref(name: str) -> JsonObject:
    return {"$ref": f"#/components/responses/{name}"}


def operation(
    summary: str, schema: JsonObject, parameters: list[JsonObject], *, not_found: bool = True
) -> JsonObject:
    responses = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "400": error_ref("BadRequest"),
        "405": error_ref("MethodNotAllowed"),
    }
    if not_found:
        responses["404"] = error_ref("NotFound")
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def list_operation(summary: str, item: str, filters: list[JsonObject]) -> JsonObject:
    return operation(summary, page_of(item), [*filters, *PAGE_PARAMETERS])


def detail_operation(summary: str, item: str, key: str) -> JsonObject:
    """One record, named by the path parameter `key` (a slug or an id)."""
    return operation(summary, detail_of(item), [parameter_ref(key)])


def date_range(prefix: str, what: str) -> list[JsonObject]:
    return [
        query(
            f"{prefix}_after",
            f"{what} on or after this day (a partial date counts from its start).",
            DAY,
        ),
        query(f"{prefix}_before", f"{what} on or before this day.", DAY),
    ]


PATHS = {
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This description of the API",
            "responses": {
                "200": {
                    "description": "An OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "405": error_ref("MethodNotAllowed"),
            },
        }
    },
    "/api/v1/letters/": list_operation(
        "Published letters, newest first",
        "Letter",
        [
            query("topic", "A topic's slug."),
            query("side", "Which side of the question the letter takes.", {"enum": Side.values}),
            *date_range("date", "Letters dated"),
        ],
    ),
    "/api/v1/letters/{slug}/": detail_operation(
        "A published letter", "LetterDetail", "letter_slug"
    ),
    "/api/v1/letters/{slug}/signatures/": list_operation(
        "A letter's public signatures, in list order",
        "Signature",
        [
            parameter_ref("letter_slug"),
            query("status", "Signature status.", {"enum": [str(s) for s in PUBLIC_STATUSES]}),
            query("country", COUNTRY_PARAMETER),
            query("kind", "Organisations or individuals.", {"enum": SignerKind.values}),
            *date_range("first_listed", "Signatures first listed"),
        ],
    ),
    "/api/v1/signatures/{id}/": detail_operation("A public signature", "Signature", "id"),
    "/api/v1/organisations/": list_operation(
        "Organisations that appear on a published letter, by name",
        "Organisation",
        [
            query("country", COUNTRY_PARAMETER),
            query("kind", "Kind of organisation.", {"enum": OrganisationKind.values}),
        ],
    ),
    "/api/v1/organisations/{slug}/": detail_operation(
        "An organisation and its public signatures", "OrganisationDetail", "signer_slug"
    ),
    "/api/v1/people/": list_operation(
        "People who appear on a published letter, by name",
        "Person",
        [query("country", COUNTRY_PARAMETER)],
    ),
    "/api/v1/people/{slug}/": detail_operation(
        "A person and their public signatures", "PersonDetail", "signer_slug"
    ),
    "/api/v1/endorsements/": list_operation(
        "Endorsements of published letters",
        "Endorsement",
        [
            query("letter", "A letter's slug."),
            query("stance", "Supports or opposes.", {"enum": EndorsementStance.values}),
            *date_range("date", "Endorsements dated"),
        ],
    ),
    "/api/v1/endorsements/{id}/": detail_operation("An endorsement", "Endorsement", "id"),
    "/api/v1/sources/": list_operation(
        "Sources cited by public data",
        "Source",
        [query("kind", "Kind of source.", {"enum": SourceKind.values})],
    ),
    "/api/v1/sources/{id}/": detail_operation("A source", "Source", "id"),
}


def openapi_schema() -> JsonObject:
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Open Letter Tracker API",
            "version": "1.0.0",
            "description": (
                "Read-only, public data: published letters, their public signatures, "
                "endorsements, organisations, people and sources. Unknown parameters and "
                "invalid values are refused with 400. Lists are paginated with `page` and "
                f"`page_size` (at most {MAX_PAGE_SIZE}). A letter's whole list is also "
                "downloadable as CSV or JSON: /letters/{slug}/signatories.csv and .json, "
                "optionally `?as_of=YYYY-MM-DD`."
            ),
            "license": {"name": settings.DATA_LICENCE_NAME, "url": settings.DATA_LICENCE_URL},
        },
        "servers": [{"url": "/"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": {
                name: {
                    "description": description,
                    "content": {"application/json": {"schema": ref("Error")}},
                }
                for name, description in ERRORS.items()
            },
        },
    }


@api_view()
def schema(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_schema())
