"""When derived data is kept right: on every save and delete, fixture loads (raw saves)
included. What is derived, and how, is letters/signature_list.py; which public pages go
stale is letters/page_cache.py."""

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import signature_list
from .lib.text import normalise
from .models import (
    CorrectionRequest,
    IdentityBasis,
    Letter,
    LetterRedirect,
    Organisation,
    OrganisationAlias,
    Person,
    PersonAlias,
    RateLimitHit,
    SignatoryImport,
    Signature,
    SignupRequest,
    Source,
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
    instance.search_text = signature_list.search_text([instance.title])


@receiver(pre_save, sender=Letter)
def remember_letter_slug(
    sender: type[Letter], instance: Letter, raw: bool = False, **kwargs: Any
) -> None:
    if not raw and instance.pk:
        instance._slug_before = (
            Letter.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )


@receiver(post_save, sender=Letter)
def redirect_corrected_letter_slug(sender: type[Letter], instance: Letter, **kwargs: Any) -> None:
    """A corrected slug keeps the old addresses working: they answer 301 (letters/old_slugs.py)."""
    old_slug = getattr(instance, "_slug_before", None)
    instance._slug_before = instance.slug
    if old_slug and old_slug != instance.slug:
        LetterRedirect.objects.filter(old_slug=instance.slug).delete()
        LetterRedirect.objects.update_or_create(old_slug=old_slug, defaults={"letter": instance})


@receiver(pre_save, sender=Signature)
def prepare_signature(
    sender: type[Signature], instance: Signature, raw: bool = False, **kwargs: Any
) -> None:
    instance.search_text = signature_list.signature_search_text(instance)
    signature_list.fill_positions([instance])
    if not raw and instance._state.adding and instance.identity_basis == IdentityBasis.NAME_ONLY:
        # A record's only signature makes no claim that two listings are one signer.
        signer_field = "organisation" if instance.organisation_id else "person"
        signer_id = instance.organisation_id or instance.person_id
        if not Signature.objects.filter(**{f"{signer_field}_id": signer_id}).exists():
            instance.identity_basis = IdentityBasis.NEW


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
    if instance.is_on_public_list:
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


@receiver(m2m_changed, sender=Signature.sources.through)
def keep_sourced_after_sources_change(
    sender: type[Model],
    instance: Signature | Source,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    using: str,
    **kwargs: Any,
) -> None:
    """Nothing is public without a source: a signature's first source can make it public,
    and removing its last one takes it off the list."""
    if action == "pre_clear" and isinstance(instance, Source):
        # Which signatures lose this source is known only before they are cleared.
        instance._cleared_signature_ids = list(
            Signature.sources.through.objects.filter(source=instance).values_list(
                "signature_id", flat=True
            )
        )
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        signature_ids = [instance.pk]
    elif action == "post_clear":
        signature_ids = getattr(instance, "_cleared_signature_ids", [])
    else:
        signature_ids = list(pk_set or ())
    if signature_list.refresh_sourced(signature_ids):
        public_content_changed(using)
    if isinstance(instance, Signature):
        # The object in hand follows its row, as a later save() of it compares with it.
        instance.sourced = Signature.objects.filter(pk=instance.pk, sourced=True).exists()
        instance.remember_list_place()


@receiver(post_save, sender=SignupRequest)
def keep_sourced_after_signup(
    sender: type[SignupRequest], instance: SignupRequest, using: str, **kwargs: Any
) -> None:
    """A signature made through the site's sign-up form has its provenance: the confirmed
    request (what the signing pages show as "signed on this site")."""
    if instance.signature_id and signature_list.refresh_sourced([instance.signature_id]):
        public_content_changed(using)


@receiver(pre_delete, sender=Source)
def remember_cited_signatures(sender: type[Source], instance: Source, **kwargs: Any) -> None:
    # Deleting a source deletes its citations without an m2m signal.
    instance._cited_signature_ids = list(instance.signatures.values_list("pk", flat=True))


@receiver(post_delete, sender=Source)
def keep_sourced_after_source_delete(
    sender: type[Source], instance: Source, using: str, **kwargs: Any
) -> None:
    if signature_list.refresh_sourced(getattr(instance, "_cited_signature_ids", [])):
        public_content_changed(using)


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
