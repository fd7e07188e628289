"""Forms the public fills in: signing, withdrawing, and reporting an error.

Only the fields listed here are read from a POST, so extra fields such as
`status=confirmed` or `letter=<id>` are ignored: the letter comes from the URL.
"""

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from letters.lib.countries import country_choices
from letters.models import CorrectionKind, SignerKind

from .validators import validate_public_name, validate_public_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_STARTED_SALT = "letters.forms.started"
# What the models' EmailFields hold (forms.EmailField would take up to 320).
_EMAIL_MAX_LENGTH = 254


class PublicForm(forms.Form):
    """A honeypot field and a signed start time: bots fill the one and rush the other."""

    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Required, but checked in clean(): a hidden field's own errors are shown nowhere.
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.TimestampSigner(salt=_STARTED_SALT).sign("form")

    @property
    def is_bot(self) -> bool:
        """A filled honeypot: answered like a success, and nothing is written."""
        return bool(self.data.get("homepage"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "started" in cleaned and (problem := self._started_problem(cleaned["started"])):
            self.add_error(None, problem)
        return cleaned

    @staticmethod
    def _started_problem(value: str) -> str:
        signer = signing.TimestampSigner(salt=_STARTED_SALT)
        try:
            signer.unsign(value, max_age=24 * 60 * 60)
        except signing.SignatureExpired:
            return gettext("This form is too old: please reload the page.")
        except signing.BadSignature:
            return gettext("Please reload the page and try again.")
        try:
            signer.unsign(value, max_age=settings.SIGNUP_MIN_SECONDS)
        except signing.SignatureExpired:
            return ""  # older than the minimum: a person had time to read the form
        return gettext(
            "That was quicker than anyone can read the form: please check it and send it again."
        )


def public_name_field(
    label: "StrOrPromise | None" = None,
    *,
    required: bool = True,
    help_text: "StrOrPromise" = "",
    missing: "StrOrPromise" = "",
) -> forms.CharField:
    """A name or a short text shown on a public page, as the sign form asks for them;
    `missing` says what to give when a required one is left empty."""
    return forms.CharField(
        label=label,
        max_length=200,
        required=required,
        help_text=help_text,
        validators=[validate_public_name],
        error_messages={"required": missing} if missing else None,
    )


class SignerKindForm(forms.Form):
    """The sign form's first step: who is signing decides which fields the form asks for."""

    kind = forms.ChoiceField(
        label=_("I am signing"),
        choices=[
            (SignerKind.INDIVIDUAL, _("as myself, an individual")),
            (SignerKind.ORGANISATION, _("for an organisation")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether you sign as yourself or for an organisation."),
            "invalid_choice": _("Choose whether you sign as yourself or for an organisation."),
        },
    )


_KEPT_PRIVATE = _(
    "My email address is kept private and deleted after the retention period described in "
    "the privacy notice."
)


_MISSING_EMAIL = _("Give an email address: we send the confirmation link there.")
_MISSING_CONSENT = _("Tick the box: we publish nothing without your agreement.")


class SignForm(PublicForm):
    """What every signer gives; each kind of signer has its own form below, which says
    what it publishes and sends its kind back as a hidden field."""

    signer_kind: ClassVar[str]
    kind_label: ClassVar["StrOrPromise"]

    # An ISO 3166 code, as every country is stored (letters/lib/countries.py).
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", gettext("Not given")), *country_choices()],
        required=False,
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=_EMAIL_MAX_LENGTH,
        help_text=_("To confirm your signature. Never published."),
        error_messages={"required": _MISSING_EMAIL},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signer_kind"] = forms.ChoiceField(
            choices=[(self.signer_kind, self.kind_label)],
            initial=self.signer_kind,
            widget=forms.HiddenInput,
        )


class IndividualSignForm(SignForm):
    signer_kind = SignerKind.INDIVIDUAL
    kind_label = _("an individual")
    field_order = ["name", "affiliation", "country", "email", "consent"]

    name = public_name_field(_("Your full name"), missing=_("Give your full name."))
    affiliation = public_name_field(
        _("Affiliation"),
        required=False,
        help_text=_("An organisation you belong to, or your role: shown after your name."),
    )
    consent = forms.BooleanField(
        label=format_lazy(
            "{} {}",
            _(
                "I am the person named above, and I agree that my name, affiliation and "
                "country are published on this letter's page."
            ),
            _KEPT_PRIVATE,
        ),
        error_messages={"required": _MISSING_CONSENT},
    )


class OrganisationSignForm(SignForm):
    signer_kind = SignerKind.ORGANISATION
    kind_label = _("an organisation")
    field_order = ["name", "website", "country", "contact_name", "role", "email", "consent"]

    name = public_name_field(
        _("Name of the organisation"),
        missing=_("Give the name of the organisation you sign for."),
    )
    website = forms.URLField(
        label=_("Organisation website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_(
            "If your email address is at this website's domain, your signature is verified at once."
        ),
    )
    contact_name = public_name_field(
        _("Your full name"),
        help_text=_("Published only if we cannot verify that you sign for the organisation."),
        missing=_("Give your own full name, as the person signing for the organisation."),
    )
    role = public_name_field(_("Your role at the organisation"), required=False)
    email = forms.EmailField(
        label=_("Your email address at the organisation"),
        max_length=_EMAIL_MAX_LENGTH,
        help_text=_(
            "To confirm your signature and verify that you sign for the organisation. "
            "Never published."
        ),
        error_messages={"required": _MISSING_EMAIL},
    )
    consent = forms.BooleanField(
        label=format_lazy(
            "{} {}",
            _(
                "I may sign for this organisation, and I agree that its name is published on "
                "this letter's page; or, until you verify that I sign for it, my own name with "
                "the organisation as my affiliation."
            ),
            _KEPT_PRIVATE,
        ),
        error_messages={"required": _MISSING_CONSENT},
    )


# The sign form of each kind of signer.
SIGN_FORMS: dict[str, type[SignForm]] = {
    SignerKind.INDIVIDUAL: IndividualSignForm,
    SignerKind.ORGANISATION: OrganisationSignForm,
}


class WithdrawForm(PublicForm):
    email = forms.EmailField(
        label=_("The email address you signed with"),
        max_length=_EMAIL_MAX_LENGTH,
        help_text=_("We send a confirmation link there; nothing changes until you confirm."),
    )
    reason = forms.CharField(
        label=_("Reason (optional, shown publicly)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_public_text],
    )


class CorrectionForm(PublicForm):
    kind = forms.ChoiceField(label=_("What would you like?"), choices=CorrectionKind.choices)
    details = forms.CharField(
        label=_("What is wrong, or who you are and why you should be removed"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    email = forms.EmailField(
        label=_("Email address (optional, to hear back)"),
        max_length=_EMAIL_MAX_LENGTH,
        required=False,
        help_text=_("Never published."),
    )
