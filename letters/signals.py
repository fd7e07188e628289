"""When derived data is kept right: on every save and delete, fixture loads (raw saves)
included. What is derived, and how, is letters/signature_list.py; which public pages go
stale is letters/page_cache.py."""

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from . import signature_list
from .lib.text import normalise
from .models import (
    PUBLIC_STATUSES,
    Addressee,
    CorrectionRequest,
    Letter,
    LetterText,
    Organisation,
    OrganisationAlias,
    Organiser,
    Person,
    PersonAlias,
    RateLimitHit,
    SignatoryImport,
    Signature,
    SignupRequest,
)
from .page_cache import public_content_changed


@receiver(pre_save, sender=OrganisationAlias)
@receiver(pre_save, sender=PersonAlias)
def set_alias_normalised_name(
    sender: type[Model], instance: OrganisationAlias | PersonAlias, **kwargs: Any
) -> None:
    instance.normalised_name = normalise(instance.name)


@receiver(pre_save, sender=Letter)
def set_letter_search_text(sender: type[Letter], instance: Letter, **kwargs: Any) -> None:
    instance.search_text = signature_list.search_text(signature_list.letter_search_names(instance))


@receiver(post_save, sender=Addressee)
@receiver(post_delete, sender=Addressee)
@receiver(post_save, sender=Organiser)
@receiver(post_delete, sender=Organiser)
@receiver(post_save, sender=LetterText)
@receiver(post_delete, sender=LetterText)
def refresh_letter_search_text(
    sender: type[Model], instance: Addressee | Organiser | LetterText, **kwargs: Any
) -> None:
    signature_list.refresh_letter_search_text(instance.letter_id)


@receiver(pre_save, sender=Signature)
def prepare_signature(sender: type[Signature], instance: Signature, **kwargs: Any) -> None:
    instance.search_text = signature_list.signature_search_text(instance)
    signature_list.fill_positions([instance])


@receiver(post_save, sender=Signature)
def keep_letter_list_after_save(
    sender: type[Signature], instance: Signature, using: str, **kwargs: Any
) -> None:
    if signature_list.after_signature_saved(instance):
        public_content_changed(using)


@receiver(post_delete, sender=Signature)
def keep_letter_list_after_delete(
    sender: type[Signature], instance: Signature, using: str, **kwargs: Any
) -> None:
    if instance.status in PUBLIC_STATUSES:
        public_content_changed(using)
    # Renumbered from the table, not shifted from this object's rank: a bulk delete
    # reports its rows one by one after all of them are gone.
    signature_list.refresh(Letter.objects.filter(pk=instance.letter_id))


@receiver(post_save, sender=Letter)
def recount_after_letter_save(sender: type[Letter], instance: Letter, **kwargs: Any) -> None:
    """A letter object loaded before its signatures changed would save stale counts."""
    signature_list.recount(Letter.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Organisation)
@receiver(post_save, sender=Person)
def refresh_after_name_change(
    sender: type[Model], instance: Organisation | Person, **kwargs: Any
) -> None:
    signature_list.refresh_signer_search_text(instance)


@receiver(post_save, sender=OrganisationAlias)
@receiver(post_delete, sender=OrganisationAlias)
@receiver(post_save, sender=PersonAlias)
@receiver(post_delete, sender=PersonAlias)
def refresh_after_alias_change(
    sender: type[Model], instance: OrganisationAlias | PersonAlias, **kwargs: Any
) -> None:
    owner: Organisation | Person | None
    if isinstance(instance, OrganisationAlias):
        owner = Organisation.objects.filter(pk=instance.organisation_id).first()
    else:
        owner = Person.objects.filter(pk=instance.person_id).first()
    if owner is not None:  # None when the alias goes with its deleted owner
        signature_list.refresh_signer_search_text(owner)


def invalidate_public_pages(sender: type[Model], using: str, **kwargs: Any) -> None:
    public_content_changed(using)


# Any change to the tracker's data can show on a public page, except signatures that
# never were public (handled above) and the private records of public submissions, so a
# flood of sign-ups (or of refused ones) keeps the cache.
PRIVATE_MODELS = {Signature, SignupRequest, CorrectionRequest, RateLimitHit, SignatoryImport}
for model in apps.get_app_config("letters").get_models():
    # History rows (django-simple-history) follow a change that already invalidated.
    is_history = model.__name__.startswith("Historical")
    if model not in PRIVATE_MODELS and not is_history:
        post_save.connect(invalidate_public_pages, sender=model)
        post_delete.connect(invalidate_public_pages, sender=model)
for relation in (Letter.documents, Letter.coverage, Letter.topics, Signature.sources):
    m2m_changed.connect(invalidate_public_pages, sender=relation.through)
