"""The pages to measure and the SQL queries each one costs, from inside Django.

Run by bench/run.py with the same environment as the server under test (database,
settings, page cache mode): `python -m bench.probe OUTPUT.json`. Each page is requested
once to warm up (and to fill the page cache when it is on), then once more with its
queries captured, through Django's test client.
"""

import json
import math
import sys
from pathlib import Path

SMALL_LETTER = "synthetic-100"
LARGE_LETTER = "synthetic-100000"
# A surname from make_synthetic_letter's list: about 1% of the large letter's rows.
SEARCH_TERM = "okafor"
HTMX = {"HX-Request": "true"}


def targets() -> list[dict]:
    """Name, path and headers of every page the benchmark drives, in table order."""
    from django.conf import settings
    from django.templatetags.static import static
    from django.urls import reverse

    small = reverse("letter_detail", args=[SMALL_LETTER])
    large = reverse("letter_detail", args=[LARGE_LETTER])
    last_page = math.ceil(public_signatures(LARGE_LETTER) / settings.LETTER_SIGNATORIES_PER_PAGE)
    return [
        {"name": "static file", "path": static("css/site.css")},
        {"name": "Django hello", "path": "/bench/hello/"},
        {"name": "home", "path": reverse("home")},
        {"name": "letter @100", "path": small},
        {"name": "fragment @100", "path": small, "headers": HTMX},
        {"name": "letter @100k", "path": large},
        {"name": "fragment @100k", "path": large, "headers": HTMX},
        {"name": "last page @100k", "path": f"{large}?page={max(last_page, 1)}"},
        {"name": "search @100k", "path": f"{large}?q={SEARCH_TERM}"},
    ]


# The letter the "reads while writing" phase writes to, as a curator would: the demo's.
WRITTEN_LETTER = "2020-02-06_nspcc-led-letter-to-zuckerberg"
# Pages 2 to this of the large letter's list are in the mix.
DEEPEST_PAGE = 2000


def url_mix() -> dict:
    """About 250 distinct public URLs, as a crawler or a busy day spreads its requests:
    every letter page, pages 2–2,000 of the large letter, searches, organisation and
    people pages, and the indexes. `others` are the URLs of the letters not written to."""
    from django.conf import settings
    from django.urls import reverse

    from letters.models import Letter, Organisation, Person

    letters = list(Letter.objects.published().order_by("pk").values_list("slug", flat=True))
    large = reverse("letter_detail", args=[LARGE_LETTER])
    pages = math.ceil(public_signatures(LARGE_LETTER) / settings.LETTER_SIGNATORIES_PER_PAGE)
    deepest = min(DEEPEST_PAGE, pages)
    page_numbers = sorted({2 + round(n * (deepest - 2) / 149) for n in range(150)})
    surnames = ["okafor", "smith", "garcia", "nguyen", "kowalski", "haddad", "silva", "kim"]
    # The demo's signers (the written letter's among them), and some of the large letter's.
    organisations = Organisation.objects.public().order_by("name")
    real = organisations.exclude(slug__startswith="synthetic-")
    synthetic = organisations.filter(slug__startswith="synthetic-")
    people = Person.objects.public().order_by("name")
    others = [
        *(reverse("letter_detail", args=[slug]) for slug in letters if slug != WRITTEN_LETTER),
        *(f"{large}?page={number}" for number in page_numbers),
        *(f"{large}?q={surname}" for surname in surnames),
    ]
    rest = [
        reverse("letter_detail", args=[WRITTEN_LETTER]),
        *(reverse("home") + suffix for suffix in ("", "?stance=against", "?q=encryption")),
        *(reverse(name) for name in ("organisation_list", "person_list", "topic_list")),
        *(f"{reverse('search')}?q={word}" for word in search_words(real)),
        *(organisation.get_absolute_url() for organisation in real[:40]),
        *(organisation.get_absolute_url() for organisation in synthetic[:10]),
        *(
            person.get_absolute_url()
            for person in people.exclude(slug__startswith="synthetic-")[:15]
        ),
    ]
    return {
        "written": WRITTEN_LETTER,
        "all": others + rest,
        "others": others,
        # How long the written letter's last changes may wait to be published.
        "coalesce_seconds": settings.PAGE_CACHE_COALESCE_SECONDS,
    }


def search_words(organisations) -> list[str]:
    """The first word of a dozen organisation names: what readers search for."""
    words = (name.split()[0].lower() for name in organisations.values_list("name", flat=True))
    return list(dict.fromkeys(word for word in words if len(word) > 3))[:12]


def public_signatures(slug: str) -> int:
    from letters.models import Signature, on_public_list

    return Signature.objects.filter(on_public_list(), letter__slug=slug).count()


def search_matches() -> int:
    from letters.models import Signature, on_public_list

    public = Signature.objects.filter(on_public_list(), letter__slug=LARGE_LETTER)
    return public.matching(SEARCH_TERM).count()


def count_queries(client, target: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = target.get("headers", {})
    client.get(target["path"], headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target["path"], headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"{target['path']} answered {response.status_code}")
    return len(captured.captured_queries)


def main(output: Path) -> None:
    import django

    django.setup()
    from django.test import Client

    # The host the server is benchmarked on, so ALLOWED_HOSTS applies unchanged.
    client = Client(SERVER_NAME="127.0.0.1")
    pages = targets()
    for target in pages:
        target["queries"] = count_queries(client, target)
    report = {
        "targets": pages,
        "mix": url_mix(),
        "search": {
            "term": SEARCH_TERM,
            "matches": search_matches(),
            "rows": public_signatures(LARGE_LETTER),
        },
    }
    output.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
