"""The words the public reads that Python builds (form labels and errors, choice labels,
dates, provenance, feeds, email subjects) come out in French on French pages and
unchanged in English, and the letters app's French catalogue misses none of them
(issue 14, section 2)."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation
from django_htmx.middleware import HtmxDetails

from letters.lib.partial_dates import format_partial_date
from letters.models import (
    CorrectionKind,
    Letter,
    OutboundEmail,
    Side,
    Signature,
    SignatureStatus,
)
from letters.opendata.embeds import letter_badge
from letters.opendata.feeds import LatestLettersFeed, LetterSignatoriesFeed
from letters.public.charts import _short_label, signatures_over_time
from letters.public.forms import AsOfForm
from letters.public.signatory_rows import status_label
from letters.signing import ratelimit, services
from letters.signing.forms import IndividualSignForm, OrganisationSignForm
from tests import factories

LETTERS = Path(__file__).resolve().parents[2] / "letters"
CATALOGUE = LETTERS / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# 23:30 UTC on 3 March 2026 is 3 March in London, the site's time zone.
SIGNED_HERE = datetime.datetime(2026, 3, 3, 23, 30, tzinfo=datetime.UTC)
NBSP = "\u00a0"  # French puts a non-breaking space before a colon or a semicolon


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue() -> None:
    """The French catalogue as Django reads it: compiled, as `make` compiles it."""
    compiled = CATALOGUE.with_suffix(".mo")
    if not compiled.exists() or compiled.stat().st_mtime < CATALOGUE.stat().st_mtime:
        assert shutil.which("msgfmt"), "install Debian's gettext (apt-get install gettext)"
        subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE)], check=True)
        translation.trans_real._translations = {}  # Django caches catalogues per language


def errors_in(language: str, form_class: type, data: dict[str, str]) -> dict[str, list[str]]:
    with translation.override(language):
        form = form_class(data)
        form.is_valid()
        return {field: list(errors) for field, errors in form.errors.items()}


def test_the_sign_forms_errors_are_in_french_on_french_pages():
    errors = errors_in("fr", IndividualSignForm, {"signer_kind": "individual"})

    assert errors["name"] == ["Indiquez votre nom complet."]
    assert errors["consent"] == [f"Cochez la case{NBSP}: nous ne publions rien sans votre accord."]
    assert errors["email"] == [
        f"Indiquez une adresse e-mail{NBSP}: nous y envoyons le lien de confirmation."
    ]


def test_the_sign_forms_errors_are_unchanged_in_english():
    errors = errors_in("en-gb", IndividualSignForm, {"signer_kind": "individual"})

    assert errors["name"] == ["Give your full name."]
    assert errors["consent"] == ["Tick the box: we publish nothing without your agreement."]


def test_the_sign_forms_labels_are_in_french_and_unchanged_in_english():
    form = OrganisationSignForm()
    with translation.override("fr"):
        french = {name: str(field.label) for name, field in form.fields.items()}
        french_help = str(form.fields["website"].help_text)
    with translation.override("en-gb"):
        english = {name: str(field.label) for name, field in form.fields.items()}

    assert french["name"] == "Nom de l’organisation"
    assert french["country"] == "Pays"
    assert french["consent"].startswith("J’ai qualité pour signer au nom de cette organisation")
    assert french["consent"].endswith("indiquée dans la politique de confidentialité.")
    assert french_help.startswith("Si votre adresse e-mail appartient au domaine")
    assert english["name"] == "Name of the organisation"
    assert english["country"] == "Country"
    assert english["consent"] == (
        "I may sign for this organisation, and I agree that its name is published on this "
        "letter's page; or, until you verify that I sign for it, my own name with the "
        "organisation as my affiliation. My email address is kept private and deleted after "
        "the retention period described in the privacy notice."
    )


def test_a_name_mixing_alphabets_is_refused_in_the_readers_language():
    data = factories.sign_form(name="Bаrnardo's")  # a Cyrillic 'а'

    french = errors_in("fr", IndividualSignForm, data)["name"]
    english = errors_in("en-gb", IndividualSignForm, data)["name"]

    assert french == [
        f"«{NBSP}Bаrnardo{NBSP}» mélange les lettres de deux alphabets (cyrillique et latin)"
        f"{NBSP}: écrivez chaque mot dans un seul alphabet."
    ]
    assert english == [
        "“Bаrnardo” mixes letters of two alphabets (Cyrillic and Latin): type each word in one."
    ]


def test_a_malformed_date_is_refused_in_french():
    errors = errors_in("fr", AsOfForm, {"as_of": "07/02/2020"})

    assert errors["as_of"] == [
        "Saisissez une date réelle au format AAAA-MM-JJ, par exemple 2020-02-07."
    ]


def test_public_choice_labels_are_in_french():
    with translation.override("fr"):
        assert str(SignatureStatus.WITHDRAWN.label) == "Retirée"
        assert dict(Side.choices) == {
            "for": "Pour",
            "against": "Contre",
            "mixed": "Mitigée ou neutre",
        }
        assert str(CorrectionKind.REMOVAL.label) == "Demander à être retiré de la liste"
    with translation.override("en-gb"):
        assert str(SignatureStatus.WITHDRAWN.label) == "Withdrawn"
        assert dict(Side.choices)["mixed"] == "Mixed or neutral"


@pytest.mark.parametrize(
    "value, english, french",
    [
        ("2020-02-06", "6 February 2020", "6 février 2020"),
        ("2023-08", "August 2023", "août 2023"),
        ("2024", "2024", "2024"),
        (None, "date unknown", "date inconnue"),
    ],
)
def test_partial_dates_are_written_in_the_pages_language(value, english, french):
    with translation.override("en-gb"):
        assert format_partial_date(value) == english
    with translation.override("fr"):
        assert format_partial_date(value) == french


def test_chart_labels_abbreviate_months_in_the_pages_language():
    with translation.override("en-gb"):
        assert [_short_label("2020-06-01"), _short_label("2020-07")] == ["1 Jun 2020", "Jul 2020"]
    with translation.override("fr"):
        assert [_short_label("2020-06-01"), _short_label("2020-07")] == [
            "1 juin 2020",
            "juil. 2020",
        ]


def test_chart_bar_texts_group_figures_as_the_pages_language_does():
    letter = Letter(listing_timeline={"2020-02-06": 1234, "2020-03": 56}, listed_count=1290)

    with translation.override("en-gb"):
        chart = signatures_over_time(letter)
        assert chart.description == "1,234 by 6 February 2020; 1,290 by March 2020"
        assert [bar.tooltip for bar in chart.bars] == [
            "6 February 2020: 1,234 listed (+1,234)",
            "March 2020: 1,290 listed (+56)",
        ]
        assert [(bar.added_text, bar.total_text) for bar in chart.bars] == [
            ("1,234", "1,234"),
            ("56", "1,290"),
        ]
    with translation.override("fr"):
        chart = signatures_over_time(letter)
        assert chart.description == f"1{NBSP}234 au 6 février 2020; 1{NBSP}290 au mars 2020"
        assert chart.bars[1].tooltip == f"mars 2020{NBSP}: 1{NBSP}290 répertoriés (+56)"
        assert (chart.bars[1].added_text, chart.bars[1].total_text) == ("56", f"1{NBSP}290")


def test_a_withdrawal_on_the_list_reads_in_french():
    with translation.override("fr"):
        assert status_label(SignatureStatus.WITHDRAWN, "2021-05-03") == "retirée le 3 mai 2021"
        assert status_label(SignatureStatus.CONFIRMED, None) == "confirmée"
    with translation.override("en-gb"):
        assert status_label(SignatureStatus.WITHDRAWN, "2021-05-03") == "withdrawn on 3 May 2021"


def test_the_provenance_of_a_signature_made_here_reads_in_french(settings):
    settings.TIME_ZONE = "Europe/London"
    verified = Signature(signed_on_site_at=SIGNED_HERE, verified_domain="barnardos.org.uk")
    claimed = Signature(signed_on_site_at=SIGNED_HERE, claimed_organisation_id=1)

    with translation.override("fr"):
        assert verified.site_provenance == (
            f"Signée sur ce site le 3 mars 2026{NBSP}; adresse e-mail confirmée{NBSP}; "
            "vérifiée par le domaine barnardos.org.uk"
        )
        assert claimed.verification_summary == "affiliation non vérifiée"
    with translation.override("en-gb"):
        assert verified.site_provenance == (
            "Signed on this site on 3 March 2026; email confirmed; verified from barnardos.org.uk"
        )


def test_reported_counts_read_in_french_with_french_digit_grouping(published_letter):
    for value in (12800, 13000):
        factories.ReportedCountFactory(
            letter=published_letter, signatories_text=f"{value:,}", signatories_value=value
        )
    letter = type(published_letter).objects.get(pk=published_letter.pk)

    with translation.override("fr"):
        assert letter.reported_summary() == (
            f"12{NBSP}800–13{NBSP}000 selon les sources (elles divergent)"
        )
    with translation.override("en-gb"):
        assert letter.reported_summary() == "12,800–13,000 reported (sources differ)"


def test_the_feeds_title_and_entries_are_in_french(published_letter):
    factories.SignatureFactory(
        letter=published_letter,
        published_name="Barnardo's",
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2021-05-03",
    )
    request = RequestFactory().get("/feeds/")

    with translation.override("fr"):
        letters = LatestLettersFeed()(request).content.decode()
        signatories = LetterSignatoriesFeed()(request, slug=published_letter.slug)
        signatories_xml = signatories.content.decode()

    assert f"<title>Open Letter Tracker{NBSP}: lettres</title>" in letters
    assert "<subtitle>Les lettres ouvertes, des plus récentes aux plus anciennes" in letters
    assert f"<title>Nouveaux signataires{NBSP}: {published_letter.title}</title>" in signatories_xml
    assert "Retirée le 3 mai 2021" in signatories_xml
    with translation.override("en-gb"):
        english = LatestLettersFeed()(request).content.decode()
    assert "<title>Open Letter Tracker: letters</title>" in english


def test_the_badge_counts_in_french_with_french_digit_grouping(published_letter):
    # The badge reads the count kept on the letter; no need for 1,200 rows.
    type(published_letter).objects.filter(pk=published_letter.pk).update(listed_count=1200)
    request = RequestFactory().get(f"/letters/{published_letter.slug}/badge.svg")
    request.htmx = HtmxDetails(request)  # as HtmxMiddleware sets it

    with translation.override("fr"):
        french = letter_badge(request, slug=published_letter.slug).content.decode()
    with translation.override("en-gb"):
        english = letter_badge(request, slug=published_letter.slug).content.decode()

    assert f"1{NBSP}200 signataires recensés" in french
    assert "1,200 listed signatories" in english


def test_rate_limits_are_described_in_french():
    with translation.override("fr"):
        assert ratelimit.describe(((1, 60), (5, 300))) == "1 par minute et 5 en 5 minutes"
        assert ratelimit.describe(((10, 600), (30, 86_400))) == "10 en 10 minutes et 30 par jour"


def test_the_confirmation_emails_subject_is_in_the_language_of_the_form(hosted):
    data = {**factories.sign_form(), "signer_kind": "individual"}
    with translation.override("fr"):
        submission = services.submit(hosted, "sign", data, "192.0.2.1")
        services.send_confirmation(submission, "https://example.org/confirm/x/")

    email = OutboundEmail.objects.get()
    assert email.subject == f"Confirmez votre signature{NBSP}: {hosted.title}"
    assert email.kind == "Sign-up confirmation"  # the staff's outbox stays in English


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------


def _entries(po_text: str) -> list[dict[str, str]]:
    """Each entry of a PO file: its flags and its fields, strings joined as gettext reads
    them (a PO string holds only the escapes \\" \\\\ and \\n here)."""
    entries = []
    for block in po_text.strip().split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        field = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line
            ):
                field = match.group(1)
                entry[field] = match.group(2)
            elif line.startswith('"') and field:
                entry[field] += line[1:-1]
        entries.append(entry)
    return entries


def _keys(entries: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(entry.get("msgctxt", ""), entry["msgid"]) for entry in entries if entry.get("msgid")}


def test_every_french_message_is_translated_and_none_is_fuzzy():
    entries = _entries(CATALOGUE.read_text(encoding="utf-8"))

    messages = [entry for entry in entries if entry.get("msgid")]
    assert len(messages) > 100
    untranslated = [
        entry["msgid"]
        for entry in messages
        if "fuzzy" in entry["flags"]
        or not all(value for key, value in entry.items() if key.startswith("msgstr"))
        or not any(key.startswith("msgstr") for key in entry)
    ]
    assert untranslated == []
    header = entries[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]


def test_every_string_marked_in_the_letters_python_has_its_french(tmp_path):
    """What `makemessages` would extract from letters/ (its keywords, migrations left
    out) is all in the catalogue: a string marked but not translated fails here."""
    assert shutil.which("xgettext"), "install Debian's gettext (apt-get install gettext)"
    sources = sorted(
        str(path.relative_to(LETTERS))
        for path in LETTERS.rglob("*.py")
        if "migrations" not in path.parts
    )
    template = tmp_path / "letters.pot"
    keywords = [
        "gettext_noop",
        "gettext_lazy",
        "ngettext_lazy:1,2",
        "pgettext:1c,2",
        "npgettext:1c,2,3",
        "pgettext_lazy:1c,2",
        "npgettext_lazy:1c,2,3",
    ]
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            *(f"--keyword={keyword}" for keyword in keywords),
            "--output",
            str(template),
            *sources,
        ],
        cwd=LETTERS,
        check=True,
    )
    marked = _keys(_entries(template.read_text(encoding="utf-8")))
    translated = _keys(_entries(CATALOGUE.read_text(encoding="utf-8")))

    assert len(marked) > 100
    assert marked - translated == set()
