"""The sign form asks who signs first, then shows that kind's fields only, marks what is
required and links each error to its field (issue 14, section 4). It works without
JavaScript (a GET step, ?kind=) and with htmx (the kind's form swapped in place)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from letters.models import SignupRequest
from tests import factories
from tests.helpers import inline_code

INDIVIDUAL_FIELDS = ["name", "affiliation", "country", "email", "consent"]
ORGANISATION_FIELDS = ["name", "website", "country", "contact_name", "role", "email", "consent"]
REQUIRED = {
    "individual": {"name", "email", "consent"},
    "organisation": {"name", "contact_name", "email", "consent"},
}


@pytest.fixture(autouse=True)
def no_minimum_fill_time(settings):
    settings.SIGNUP_MIN_SECONDS = 0


class FormFields(HTMLParser):
    """The visible inputs of the page's POST form, in order, and the labels' texts."""

    def __init__(self):
        super().__init__()
        self.in_post_form = False
        self.fields: list[str] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = attrs.get("method") == "post"
        if not self.in_post_form:
            return
        if tag in {"input", "textarea", "select"} and attrs.get("type") != "hidden":
            name = attrs["name"]
            if name != "homepage" and name not in self.fields:
                self.fields.append(name)
        if tag == "label" and attrs.get("for"):
            self._label_for = attrs["for"].removeprefix("id_")
            self.labels[self._label_for] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False
        if tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] += data


def form_fields(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


def sign_url(letter) -> str:
    return reverse("sign_letter", args=[letter.slug])


def test_the_first_step_asks_who_signs_and_shows_no_fields_yet(client, hosted):
    response = client.get(sign_url(hosted))

    assert response.status_code == 200
    html = response.content.decode()
    assert form_fields(html).fields == []
    assert '<form class="public-form kind-choice" method="get"' in html
    assert '<legend>I am signing <span class="required">(required)</span></legend>' in html
    for value in ("individual", "organisation"):
        assert f'type="radio" name="kind" value="{value}"' in html
    assert re.search(r'<button type="submit">Continue</button>', html)
    assert inline_code(response) == []


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("individual", INDIVIDUAL_FIELDS), ("organisation", ORGANISATION_FIELDS)],
)
def test_each_kind_shows_its_own_fields_only_and_marks_what_is_required(
    client, hosted, kind, expected
):
    response = client.get(sign_url(hosted), {"kind": kind})

    assert response.status_code == 200
    html = response.content.decode()
    fields = form_fields(html)
    assert fields.fields == expected
    marked = {name for name, text in fields.labels.items() if "(required)" in text}
    assert marked == REQUIRED[kind]
    assert f'<input type="hidden" name="signer_kind" value="{kind}"' in html
    assert re.search(rf'value="{kind}"[^>]*checked', html)  # the choice, kept
    assert '<button type="submit">Change</button>' in html


def test_the_organisation_form_says_what_is_published_and_how_it_is_verified(client, hosted):
    html = client.get(sign_url(hosted), {"kind": "organisation"}).content.decode()

    assert "Published only if we cannot verify that you sign for the organisation." in html
    assert "verified at once" in html
    assert "my own name with the organisation as my affiliation" in html


@pytest.mark.parametrize("kind", ["robot", "", "ORGANISATION", "<script>"])
def test_an_unknown_kind_asks_again(client, hosted, kind):
    response = client.get(sign_url(hosted), {"kind": kind})

    assert response.status_code == 400
    html = response.content.decode()
    assert form_fields(html).fields == []
    assert "Choose whether you sign as yourself or for an organisation." in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_with_htmx_choosing_a_kind_answers_that_kinds_form_only(client, hosted):
    response = client.get(
        sign_url(hosted), {"kind": "organisation"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="sign-form">')
    assert form_fields(html).fields == ORGANISATION_FIELDS
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<p id="sign-form-status" hx-swap-oob="innerHTML">' in html
    assert "The form for an organisation is shown below." in html
    assert "HX-Request" in response["Vary"]
    assert "no-cache" in response["Cache-Control"]


def test_a_history_restore_gets_the_whole_page(client, hosted):
    response = client.get(
        sign_url(hosted),
        {"kind": "individual"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_the_kind_chooser_is_wired_for_htmx_with_a_real_fallback(client, hosted):
    html = client.get(sign_url(hosted)).content.decode()
    chooser = re.search(r'<form class="public-form kind-choice"[^>]*>', html).group(0)

    assert f'action="{sign_url(hosted)}"' in chooser
    assert f'hx-get="{sign_url(hosted)}"' in chooser
    assert 'hx-target="#sign-form"' in chooser
    assert 'hx-push-url="true"' in chooser


def test_an_organisation_without_a_contact_name_gets_its_form_back_with_the_error_linked(
    client, hosted
):
    data = factories.organisation_sign_form(contact_name="", country="GB")

    response = client.post(sign_url(hosted), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert form_fields(html).fields == ORGANISATION_FIELDS
    assert '<option value="GB" selected>' in html and 'value="Open Rights Group"' in html
    assert '<div class="form-errors" role="alert">' in html
    assert (
        '<a href="#id_contact_name">Your full name: Give your own full name, as the person '
        "signing for the organisation.</a>"
    ) in html
    contact = re.search(r'<input[^>]*name="contact_name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in contact
    assert 'aria-describedby="id_contact_name_helptext id_contact_name_error"' in contact
    assert '<ul class="errorlist" id="id_contact_name_error">' in html
    assert SignupRequest.objects.count() == 0


def test_fields_of_the_other_kind_are_ignored(client, hosted):
    data = factories.sign_form(
        website="https://spam.example/", contact_name="Someone Else", role="Boss"
    )

    response = client.post(sign_url(hosted), data)

    assert response.status_code == 302
    request = SignupRequest.objects.get()
    assert (request.website, request.contact_name, request.role) == ("", "", "")


def test_html_typed_into_the_form_comes_back_escaped(client, hosted):
    data = factories.sign_form(name="<script>alert(1)</script>", email="not-an-email")

    html = client.post(sign_url(hosted), data).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Барнардо", id="Cyrillic"),
        pytest.param("محمد عبد الله", id="Arabic"),
        pytest.param("李小龍", id="Chinese"),
        pytest.param("Ελένη Παπαδοπούλου", id="Greek"),
        pytest.param("ঠাকুর", id="Bengali (with combining vowel signs)"),
    ],
)
def test_a_name_in_another_script_is_welcome(client, hosted, name):
    response = client.post(sign_url(hosted), factories.sign_form(name=name))

    assert response.status_code == 302
    assert SignupRequest.objects.get().name == name


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("\u3164", id="Hangul filler alone"),
        pytest.param("\u3164 \u3164", id="Hangul fillers and a space"),
        pytest.param("\u0301\u0302\u0303", id="only combining accents"),
        pytest.param("\u2800\u2800", id="Braille blanks"),
        pytest.param("\u115f\u1160", id="Hangul choseong and jungseong fillers"),
    ],
)
def test_a_name_that_would_show_as_nothing_is_refused(client, hosted, name):
    response = client.post(sign_url(hosted), factories.sign_form(name=name))

    assert response.status_code == 400
    assert "shows no visible character" in str(response.context["form"].errors["name"])


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("B\u0430rnardo's", id="a Cyrillic a in a Latin word"),
        pytest.param("\u039fpen Rights Group", id="a Greek capital O in a Latin word"),
    ],
)
def test_a_word_mixing_look_alike_alphabets_is_refused(client, hosted, name):
    response = client.post(sign_url(hosted), factories.organisation_sign_form(name=name))

    assert response.status_code == 400
    assert "mixes letters of two alphabets" in str(response.context["form"].errors["name"])
