"""The curation admin: every page opens, letters stay editable however many signatures they
have, bulk actions keep counts exact, and curators get exactly the rights they need."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter, Signature, SignatureStatus, Topic
from tests import factories

XSS = "<script>alert(1)</script>"


class FormFields(HTMLParser):
    """What a browser would submit from the form with the given id, as a {name: [values]} dict:
    inputs, ticked checkboxes, selected options and textareas. The inline formsets' empty
    templates (`__prefix__`) and submit buttons are left out."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: dict[str, list[str]] = {}
        self.names: set[str] = set()
        self._select: str | None = None
        self._select_multiple = False
        self._select_options: list[str] = []
        self._select_chosen = False
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.names.add(name)
        if "__prefix__" not in name:
            self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
        if not self.in_form or tag not in {"input", "select", "option", "textarea"}:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "submit":
                return
            if kind in {"checkbox", "radio"}:
                self.names.add(name)
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in attrs
            self._select_options, self._select_chosen = [], False
            self.names.add(name)
        elif tag == "option" and self._select:
            self._select_options.append(attrs.get("value") or "")
            if "selected" in attrs:
                self._select_chosen = True
                self._add(self._select, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea and "__prefix__" not in self._textarea:
            self.fields[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            # A single choice list with nothing selected submits its first option.
            if not (self._select_multiple or self._select_chosen) and self._select_options:
                self._add(self._select, self._select_options[0])
            self._select = None
        elif tag == "textarea":
            if self._textarea and "__prefix__" not in self._textarea:
                # Browsers drop the newline that follows <textarea>.
                value = self.fields[self._textarea][-1]
                self.fields[self._textarea][-1] = value.removeprefix("\n")
            self._textarea = None


def form_of(response, form_id: str) -> FormFields:
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.names, f"no form with id {form_id!r} on the page"
    return parser


def letter_change_url(letter: Letter) -> str:
    return reverse("admin:letters_letter_change", args=[letter.pk])


# ---------------------------------------------------------------------------
# Every page opens
# ---------------------------------------------------------------------------

CHANGE_OBJECTS = {
    "source": lambda: factories.SourceFactory(),
    "organisation": lambda: factories.OrganisationAliasFactory().organisation,
    "person": lambda: factories.PersonAliasFactory().person,
    "letter": lambda: (
        factories.ReportedCountFactory(letter=factories.SignatureFactory().letter).letter
    ),
    "signature": lambda: factories.SignatureFactory(),
    "endorsement": lambda: factories.EndorsementFactory(),
    "topic": lambda: Topic.objects.create(slug="debate", name="Debate"),
}


@pytest.fixture(params=["admin_client", "curator_client"])
def staff_client(request, db):
    # `db` named here, not only through getfixturevalue, so that pytest-django runs these
    # tests with the other database tests, before any transactional test's flush deletes
    # what the data migrations made (the Curators group).
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("model", CHANGE_OBJECTS)
def test_changelist_opens(staff_client, model):
    CHANGE_OBJECTS[model]()

    response = staff_client.get(reverse(f"admin:letters_{model}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", CHANGE_OBJECTS)
def test_add_page_opens(staff_client, model):
    response = staff_client.get(reverse(f"admin:letters_{model}_add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", CHANGE_OBJECTS)
def test_change_page_opens(staff_client, model):
    record = CHANGE_OBJECTS[model]()

    response = staff_client.get(reverse(f"admin:letters_{model}_change", args=[record.pk]))

    assert response.status_code == 200
    assert response.context["original"] == record


def test_organisations_can_be_searched_by_alias(admin_client, five_rights):
    factories.OrganisationFactory(name="NSPCC")

    response = admin_client.get(reverse("admin:letters_organisation_changelist"), {"q": "5 rights"})

    assert list(response.context["cl"].result_list) == [five_rights]


def test_signatures_can_be_filtered_by_signer_kind(admin_client, published_letter, sofia):
    factories.SignatureFactory(letter=published_letter, published_name="An organisation")
    factories.PersonSignatureFactory(letter=published_letter, person=sofia)

    response = admin_client.get(
        reverse("admin:letters_signature_changelist"), {"kind": "individual"}
    )

    assert [s.published_name for s in response.context["cl"].result_list] == ["Sofía Núñez"]


# ---------------------------------------------------------------------------
# A letter's change form
# ---------------------------------------------------------------------------


def test_letter_form_links_to_its_signatures_instead_of_inlining_them(
    admin_client, published_letter
):
    names = [f"Hidden Signatory {n:02}" for n in range(30)]
    for name in names:
        factories.SignatureFactory(letter=published_letter, published_name=name)

    response = admin_client.get(letter_change_url(published_letter))

    content = response.content.decode()
    assert f'href="/admin/letters/signature/?letter__id__exact={published_letter.pk}"' in content
    assert "View and filter the signatures" in content
    assert [name for name in names if name in content] == []


def test_letter_form_size_does_not_grow_with_signatures(admin_client, published_letter):
    empty_form = form_of(admin_client.get(letter_change_url(published_letter)), "letter_form")
    factories.create_signatures(published_letter, 30)

    full_form = form_of(admin_client.get(letter_change_url(published_letter)), "letter_form")

    assert full_form.names == empty_form.names
    assert len(full_form.names) < 200


def test_signature_link_lists_only_that_letters_signatures(admin_client, published_letter):
    factories.SignatureFactory.create_batch(3, letter=published_letter)
    factories.SignatureFactory()

    response = admin_client.get(
        reverse("admin:letters_signature_changelist"), {"letter__id__exact": published_letter.pk}
    )

    assert response.context["cl"].result_count == 3


@pytest.mark.parametrize("client_fixture", ["admin_client", "curator_client"])
def test_signatory_can_be_added_from_the_letter_form(
    request, client_fixture, published_letter, five_rights
):
    client = request.getfixturevalue(client_fixture)
    factories.SignatureFactory(letter=published_letter, published_name="Already there")
    form = form_of(client.get(letter_change_url(published_letter)), "letter_form")
    data = {
        **form.fields,
        "signatures-0-organisation": [str(five_rights.pk)],
        "signatures-0-published_name": ["5 Rights"],
        "signatures-0-country": ["GB"],
        "new_signatories_source": [str(factories.SourceFactory().pk)],
        "_save": ["Save"],
    }

    response = client.post(letter_change_url(published_letter), data)

    assert response.status_code == 302, response.context["errors"]
    signature = published_letter.signatures.get(organisation=five_rights)
    assert (signature.published_name, signature.status) == ("5 Rights", "reported")
    assert Signature.objects.matching("5rights foundation").get() == signature
    assert Letter.objects.get(pk=published_letter.pk).listed_count == 2


def test_saving_the_letter_form_unchanged_adds_no_signature(admin_client, published_letter):
    form = form_of(admin_client.get(letter_change_url(published_letter)), "letter_form")

    response = admin_client.post(letter_change_url(published_letter), form.fields)

    assert response.status_code == 302
    assert not published_letter.signatures.exists()


def test_a_corrected_slug_keeps_the_old_address_working(admin_client, client, published_letter):
    change_form = form_of(admin_client.get(letter_change_url(published_letter)), "letter_form")
    assert "slug" in change_form.names

    data = {**change_form.fields, "slug": ["a-new-slug"], "title": ["A new title"]}
    response = admin_client.post(letter_change_url(published_letter), data)

    assert response.status_code == 302
    published_letter.refresh_from_db()
    assert (published_letter.title, published_letter.slug) == ("A new title", "a-new-slug")
    for old, new in [
        ("/letters/letter-to-a-platform/", "/letters/a-new-slug/"),
        ("/letters/letter-to-a-platform/print/", "/letters/a-new-slug/print/"),
        ("/letters/letter-to-a-platform/signatories.csv", "/letters/a-new-slug/signatories.csv"),
        ("/api/v1/letters/letter-to-a-platform/", "/api/v1/letters/a-new-slug/"),
        (
            "/letters/letter-to-a-platform/?q=5&page=2",
            "/letters/a-new-slug/?q=5&page=2",
        ),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert client.get("/letters/a-new-slug/").status_code == 200


def test_a_slug_that_is_another_letters_old_address_is_refused(admin_client, published_letter):
    other = factories.LetterFactory(slug="first-slug")
    other.slug = "second-slug"
    other.save()
    change_form = form_of(admin_client.get(letter_change_url(published_letter)), "letter_form")

    data = {**change_form.fields, "slug": ["first-slug"]}
    response = admin_client.post(letter_change_url(published_letter), data)

    assert response.status_code == 200
    assert "still leads there: choose another" in response.content.decode()
    published_letter.refresh_from_db()
    assert published_letter.slug == "letter-to-a-platform"


def test_a_letter_may_take_back_its_own_old_slug(client, published_letter):
    published_letter.slug = "typo-slug"
    published_letter.save()
    published_letter.slug = "letter-to-a-platform"
    published_letter.save()
    assert client.get("/letters/letter-to-a-platform/").status_code == 200
    assert client.get("/letters/typo-slug/")["Location"] == "/letters/letter-to-a-platform/"


# ---------------------------------------------------------------------------
# Signature actions
# ---------------------------------------------------------------------------


CHANGELIST = reverse("admin:letters_signature_changelist")
WITHDRAWAL = {"apply": "1", "withdrawn_on": "2021-03-03", "reason": "Asked to be removed."}


def run_action(client, action: str, signatures, **form):
    """Select rows on the signature list and run an action, as the changelist form does."""
    data = {"action": action, "_selected_action": [s.pk for s in signatures], "index": 0}
    return client.post(CHANGELIST, {**data, **form}, follow=True)


@pytest.mark.parametrize(
    ("action", "form", "status", "listed_after"),
    [
        ("mark_confirmed", {}, SignatureStatus.CONFIRMED, 4),
        ("mark_disputed", {}, SignatureStatus.DISPUTED, 1),
        ("mark_withdrawn", WITHDRAWAL, SignatureStatus.WITHDRAWN, 1),
    ],
)
def test_status_actions_change_the_selected_rows_and_say_how_many(
    curator_client, published_letter, action, form, status, listed_after
):
    first, second = factories.SignatureFactory.create_batch(2, letter=published_letter)
    already = factories.SignatureFactory(letter=published_letter, status=status)
    untouched = factories.SignatureFactory(letter=published_letter)

    response = run_action(curator_client, action, [first, second, already], **form)

    messages = [str(message) for message in response.context["messages"]]
    assert messages == [f"2 signatures marked {status}."]
    statuses = dict(Signature.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: status,
        second.pk: status,
        already.pk: status,
        untouched.pk: SignatureStatus.REPORTED,
    }
    assert Letter.objects.get(pk=published_letter.pk).listed_count == listed_after


def test_one_changed_row_is_reported_in_the_singular(admin_client, published_letter):
    signature = factories.SignatureFactory(letter=published_letter)

    response = run_action(admin_client, "mark_confirmed", [signature])

    assert [str(m) for m in response.context["messages"]] == ["1 signature marked confirmed."]


def test_withdrawing_asks_for_the_date_and_reason_first(admin_client, published_letter):
    signatures = [
        factories.SignatureFactory(letter=published_letter, published_name=name)
        for name in ("First Charity", "Second Charity")
    ]

    response = run_action(admin_client, "mark_withdrawn", signatures)

    content = response.content.decode()
    assert response.status_code == 200
    assert "First Charity — Letter to a platform" in content
    assert "Second Charity — Letter to a platform" in content
    assert f'value="{timezone.localdate().isoformat()}"' in content
    assert "Withdraw 2 signatures" in content
    assert set(published_letter.signatures.values_list("status", flat=True)) == {"reported"}


def test_withdrawn_rows_record_the_date_and_reason_given(admin_client, published_letter):
    signatures = factories.SignatureFactory.create_batch(2, letter=published_letter)

    run_action(
        admin_client,
        "mark_withdrawn",
        signatures,
        **{**WITHDRAWAL, "withdrawn_on": "2021-03", "reason": "Left the coalition."},
    )

    assert set(
        published_letter.signatures.values_list("status", "withdrawn_on", "withdrawal_reason")
    ) == {("withdrawn", "2021-03", "Left the coalition.")}
    assert Letter.objects.get(pk=published_letter.pk).listed_count == 0


@pytest.mark.parametrize(
    "form",
    [
        {**WITHDRAWAL, "withdrawn_on": "2021-02-30"},
        {**WITHDRAWAL, "withdrawn_on": "March 2021"},
        {**WITHDRAWAL, "withdrawn_on": ""},
        {**WITHDRAWAL, "reason": ""},
    ],
    ids=["impossible date", "date in words", "no date", "no reason"],
)
def test_withdrawal_without_a_valid_date_and_reason_changes_nothing(
    admin_client, published_letter, form
):
    signature = factories.SignatureFactory(letter=published_letter)

    response = run_action(admin_client, "mark_withdrawn", [signature], **form)

    assert response.status_code == 200
    assert response.context["form"].errors
    signature.refresh_from_db()
    assert (signature.status, signature.withdrawn_on) == ("reported", None)
    assert Letter.objects.get(pk=published_letter.pk).listed_count == 1


def test_confirming_a_withdrawn_row_clears_its_withdrawal(admin_client, published_letter):
    signature = factories.SignatureFactory(
        letter=published_letter,
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2021-03",
        withdrawal_reason="Asked to be removed.",
    )

    run_action(admin_client, "mark_confirmed", [signature])

    signature.refresh_from_db()
    assert (signature.status, signature.withdrawn_on, signature.withdrawal_reason) == (
        "confirmed",
        None,
        "",
    )
    assert Letter.objects.get(pk=published_letter.pk).listed_count == 1


# ---------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------


def test_a_curator_adds_a_topic_and_puts_a_letter_in_it_from_the_letters_form(
    client, curator_client, draft_letter
):
    add_topic = curator_client.post(
        reverse("admin:letters_topic_add"),
        {"name": "Age verification", "slug": "age-verification", "description": "Who checks."},
    )
    assert add_topic.status_code == 302
    topic = Topic.objects.get(slug="age-verification")
    form = form_of(curator_client.get(letter_change_url(draft_letter)), "letter_form")

    saved = curator_client.post(
        letter_change_url(draft_letter), {**form.fields, "topics": [str(topic.pk)]}
    )

    assert saved.status_code == 302, saved.context["errors"]
    assert list(draft_letter.topics.all()) == [topic]
    assert client.get("/topics/age-verification/").status_code == 404  # only a draft in it
    form = form_of(curator_client.get(letter_change_url(draft_letter)), "letter_form")
    assert form.fields["topics"] == [str(topic.pk)]
    published = curator_client.post(
        letter_change_url(draft_letter), {**form.fields, "visibility": ["published"]}
    )
    assert published.status_code == 302, published.context["errors"]
    page = client.get("/topics/age-verification/")
    assert page.status_code == 200
    assert page.context["table"].letters == [draft_letter]
    assert draft_letter.title in page.content.decode()


def test_the_topic_list_counts_each_topics_letters(curator_client, published_letter, draft_letter):
    topic = Topic.objects.create(slug="debate", name="Debate")
    topic.letters.add(published_letter, draft_letter)

    response = curator_client.get(reverse("admin:letters_topic_changelist"))

    assert response.status_code == 200
    assert [t.letter_count for t in response.context["cl"].result_list] == [2]


def test_staff_without_permissions_cannot_add_a_topic_or_put_a_letter_in_one(
    client, django_user_model, published_letter
):
    topic = Topic.objects.create(slug="debate", name="Debate")
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=True))

    add_page = client.get(reverse("admin:letters_topic_add"))
    add_topic = client.post(reverse("admin:letters_topic_add"), {"name": "X", "slug": "x"})
    change_letter = client.post(letter_change_url(published_letter), {"topics": [topic.pk]})

    assert (add_page.status_code, add_topic.status_code, change_letter.status_code) == (
        403,
        403,
        403,
    )
    assert list(Topic.objects.values_list("slug", flat=True)) == ["debate"]
    assert not published_letter.topics.exists()


# ---------------------------------------------------------------------------
# Curators
# ---------------------------------------------------------------------------

CURATED_MODELS = [
    "source",
    "organisation",
    "organisationalias",
    "person",
    "personalias",
    "letter",
    "reportedcount",
    "addressee",
    "organiser",
    "signature",
    "endorsement",
    "quote",
    "response",
    "topic",
    "lettertext",
]


def test_curators_may_add_change_and_view_the_tracker_and_nothing_else(db):
    permissions = Group.objects.get(name="Curators").permissions.select_related("content_type")

    granted = {(p.content_type.app_label, p.codename) for p in permissions}

    moderation = {
        ("letters", codename)
        for codename in (
            "view_signuprequest",
            "change_signuprequest",
            "view_correctionrequest",
            "change_correctionrequest",
            "add_correction",
            "change_correction",
            "view_correction",
        )
    }
    # Following background work, and retrying what failed (letters/jobs/admin.py).
    background_work = {
        ("letters", codename)
        for codename in (
            "view_job",
            "change_job",
            "view_outboundemail",
            "change_outboundemail",
            "view_periodictask",
        )
    }
    # A hosted letter's contact, and who follows what (letters/notifications/).
    notifications = {
        ("letters", codename)
        for codename in (
            "add_lettercontact",
            "change_lettercontact",
            "view_lettercontact",
            "view_subscription",
        )
    }
    assert (
        granted
        == {
            ("letters", f"{action}_{model}")
            for model in CURATED_MODELS
            for action in ("add", "change", "view")
        }
        | moderation
        | background_work
        | notifications
    )


def test_curators_cannot_delete_or_manage_accounts(curator):
    assert not any(curator.has_perm(f"letters.delete_{model}") for model in CURATED_MODELS)
    assert not any(
        curator.has_perm(f"auth.{permission.codename}")
        for permission in Permission.objects.filter(content_type__app_label="auth")
    )
    assert not curator.has_module_perms("auth")


def test_curator_can_open_signatures(curator_client):
    factories.SignatureFactory()

    assert curator_client.get(reverse("admin:letters_signature_changelist")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_changelist"),
    ],
)
def test_curator_is_refused_account_management(curator_client, url):
    assert curator_client.get(url).status_code == 403


def test_curator_cannot_delete_a_signature(curator_client):
    signature = factories.SignatureFactory()

    response = curator_client.get(reverse("admin:letters_signature_delete", args=[signature.pk]))

    assert response.status_code == 403
    assert Signature.objects.filter(pk=signature.pk).exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:letters_signature_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# ---------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["changelist", "change", "withdrawal form"])
def test_a_hostile_signatory_name_is_escaped(admin_client, page):
    organisation = factories.OrganisationFactory(name=XSS, slug="xss")
    signature = factories.SignatureFactory(organisation=organisation, published_name=XSS)

    if page == "withdrawal form":
        response = run_action(admin_client, "mark_withdrawn", [signature])
    else:
        args = [signature.pk] if page == "change" else []
        response = admin_client.get(reverse(f"admin:letters_signature_{page}", args=args))

    content = response.content.decode()
    assert XSS not in content
    assert "&lt;script&gt;" in content
