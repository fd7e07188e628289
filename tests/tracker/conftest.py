"""Fixtures of the site-wide tests."""

import re

import pytest

from letters.models import Endorsement, Letter, Organisation, Person, Signature, Source, Topic


@pytest.fixture
def url_values(demo_data, admin_user):
    """Real objects for every kind of argument a URL takes."""
    letter = Letter.objects.get(slug="demo-hosted-letter")
    by_segment = {
        "letters": letter.slug,
        "organisations": Organisation.objects.public().first().slug,
        "people": Person.objects.public().first().slug,
        "topics": Topic.objects.first().slug,
        "signatures": Signature.objects.public().first().pk,
        "endorsements": Endorsement.objects.first().pk,
        "sources": Source.objects.first().pk,
    }
    by_name = {
        "app_label": "letters",
        "object_id": Letter.objects.first().pk,
        "content_type_id": 1,
        "token": "not-a-real-token",
        "url": "no-such-page/",
        "history_id": 1,
    }

    def values_for(param: str, segment: str, path: str):
        if param in by_name:
            return by_name[param]
        if re.fullmatch(r"_\d+", param):
            # Unnamed groups, as in django-simple-history's admin: an object's id, then
            # a history record's id. Both are numbers.
            return 1
        if segment in by_segment:
            return by_segment[segment]
        # A pattern added later with an argument we do not know yet: an object's slug
        # or id is the likeliest; a 404 still shows the headers.
        return letter.pk if param in {"pk", "id"} else letter.slug

    return values_for
