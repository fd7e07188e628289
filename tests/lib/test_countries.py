"""Countries as ISO 3166-1 codes (letters/lib/countries.py): common spellings read, the
rest refused with a reason."""

import pytest
from django.utils import translation

from letters.lib.countries import (
    UnknownCountry,
    country_choices,
    country_code,
    country_filter,
    country_name,
    country_options,
)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("United Kingdom", "GB"),
        ("the United Kingdom", "GB"),
        ("Great Britain", "GB"),
        ("Wales", "GB"),
        ("gb", "GB"),
        ("GBR", "GB"),
        ("Royaume-Uni", "GB"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("España", "ES"),
        ("Holland", "NL"),
        ("Korea, Republic of", "KR"),
        ("Czech Republic", "CZ"),
        ("Türkiye", "TR"),
        ("Côte d’Ivoire", "CI"),
        ("  france ", "FR"),
        ("", ""),
    ],
)
def test_common_spellings_are_read_as_codes(written, code):
    assert country_code(written) == code


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("Narnia", "unknown country 'Narnia'"),
        ("Latin America (region)", "is a region, not one country"),
        ("Europe", "is a region"),
        ('=HYPERLINK("http://x")', "starts like a spreadsheet formula"),
        ("France, Germany", "names several countries"),
        ("UK / Ireland", "names several countries"),
    ],
)
def test_anything_else_is_refused_with_a_reason(written, reason):
    with pytest.raises(UnknownCountry, match=reason.replace("(", r"\(").replace(")", r"\)")):
        country_code(written)


def test_names_and_filter_values():
    assert country_name("GB") == "United Kingdom" and country_name("") == ""
    # Links made when countries were names still filter.
    assert country_filter("United Kingdom") == country_filter("GB") == "GB"
    assert country_filter("Atlantis") == "Atlantis"
    assert country_options(["US", "FR", "GB"]) == [
        ("FR", "France"),
        ("GB", "United Kingdom"),
        ("US", "United States of America"),
    ]


def test_names_are_in_the_language_active_when_asked():
    # Each language's names are read once and kept: asking in one must not fix the other.
    assert country_name("DE") == "Germany"
    with translation.override("fr"):
        assert country_name("DE") == "Allemagne"
        assert ("DE", "Allemagne") in country_choices()
    assert country_name("DE") == "Germany"
    assert country_choices()[:2] == [("AF", "Afghanistan"), ("AX", "Åland Islands")]
    assert country_name("XX") == ""
