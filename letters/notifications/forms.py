"""The form the public fills in to follow an organisation, a person or a letter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from letters.signing.forms import PublicForm

# What the models' EmailFields hold (forms.EmailField would take up to 320).
_EMAIL_MAX_LENGTH = 254


class FollowForm(PublicForm):
    """An email address, with the honeypot and minimum time of every public form."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=_EMAIL_MAX_LENGTH,
        help_text=_(
            "We send a confirmation link there first; nothing is sent again until you "
            "confirm. Never published."
        ),
        error_messages={"required": _("Give an email address: we send the confirmation there.")},
    )
