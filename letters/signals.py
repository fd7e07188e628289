"""Keep derived columns right on every save, fixture loads (raw saves) included.

- A letter's counts (`listed_count`, `public_count`) and the places of its public
  signatures (`Signature.list_rank`) change in the same transaction as any signature.
- `search_text` on signatures, organisations and people follows names and aliases.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .cache import public_content_changed
from .models import (
    PUBLIC_STATUSES,
    CorrectionRequest,
    Letter,
    Organisation,
    OrganisationAlias,
    Person,
    PersonAlias,
    RateLimitHit,
    SignatoryImport,
    Signature,
    SignupRequest,
)
from .text import normalise


@receiver(pre_save, sender=OrganisationAlias)
@receiver(pre_save, sender=PersonAlias)
def set_alias_normalised_name(sender, instance, **kwargs):
    instance.normalised_name = normalise(instance.name)


@receiver(pre_save, sender=Letter)
def set_letter_search_text(sender, instance: Letter, **kwargs):
    instance.search_text = normalise(instance.title)


@receiver(pre_save, sender=Signature)
def prepare_signature(sender, instance: Signature, **kwargs):
    instance.search_text = instance.build_search_text()
    if instance.position is None:
        instance.position = Signature.objects.next_position(instance.letter_id)


@receiver(post_save, sender=Signature)
def keep_letter_list_after_save(sender, instance: Signature, using: str, **kwargs):
    """Recount and re-place only what the save actually moved.

    The common writes cost O(1) even on a letter of 100,000 signatures: a status change
    between public statuses only recounts, and a signature that becomes public at the
    end of the list (a new signatory, an approval) takes the next place. Anything else
    renumbers the letters involved in one statement.
    """
    before = getattr(instance, "_saved_place", None) or (None,) * 6
    old_letter_id, old_status, old_position, old_name, *old_summary = before
    instance.remember_list_place()
    same_letter = old_letter_id == instance.letter_id
    same_order = (old_position, old_name) == (instance.position, instance.published_name)
    same_summary = old_summary == [instance.country, instance.first_listed]
    was_public = old_status in PUBLIC_STATUSES
    is_public = instance.status in PUBLIC_STATUSES
    if not (was_public or is_public):
        return  # a pending sign-up or a rejected one: nothing public changed
    public_content_changed(using)
    if same_letter and same_order and same_summary and old_status == instance.status:
        return
    letters = Letter.objects.filter(pk__in={instance.letter_id, old_letter_id} - {None})
    letters.recount_signatures()
    if same_letter and same_order and was_public and is_public:
        return
    if same_letter and is_public and not was_public and _place_at_end(instance):
        return
    letters.renumber_signatures()


def _place_at_end(signature: Signature) -> bool:
    """Give a newly public signature the last place if it sorts after every other one."""
    last = (
        Signature.objects.filter(letter_id=signature.letter_id, list_rank__isnull=False)
        .exclude(pk=signature.pk)
        .order_by("-list_rank")
        .values_list("position", "list_rank")
        .first()
    )
    if last is not None and signature.position <= last[0]:
        return False
    signature.list_rank = last[1] + 1 if last else 1
    Signature.objects.filter(pk=signature.pk).update(list_rank=signature.list_rank)
    return True


@receiver(post_delete, sender=Signature)
def keep_letter_list_after_delete(sender, instance: Signature, using: str, **kwargs):
    if instance.status in PUBLIC_STATUSES:
        public_content_changed(using)
    # Renumbered from the table, not shifted from this object's rank: a bulk delete
    # reports its rows one by one after all of them are gone.
    Letter.objects.filter(pk=instance.letter_id).refresh_signature_list()


@receiver(post_save, sender=Letter)
def recount_after_letter_save(sender, instance: Letter, **kwargs):
    """A letter object loaded before its signatures changed would save stale counts."""
    Letter.objects.filter(pk=instance.pk).recount_signatures()


def refresh_signer_search_text(signer: Organisation | Person) -> None:
    """Recompute the searchable names of a signer and of every signature it made."""
    names = [signer.name, *signer.aliases.values_list("name", flat=True)]
    type(signer).objects.filter(pk=signer.pk).update(
        search_text=" | ".join(dict.fromkeys(normalise(name) for name in names))
    )
    for signature in signer.signatures.select_related("organisation", "person"):
        Signature.objects.filter(pk=signature.pk).update(search_text=signature.build_search_text())


@receiver(post_save, sender=Organisation)
@receiver(post_save, sender=Person)
def refresh_after_name_change(sender, instance, **kwargs):
    refresh_signer_search_text(instance)


@receiver(post_save, sender=OrganisationAlias)
@receiver(post_delete, sender=OrganisationAlias)
def refresh_after_organisation_alias_change(sender, instance: OrganisationAlias, **kwargs):
    organisation = Organisation.objects.filter(pk=instance.organisation_id).first()
    if organisation is not None:
        refresh_signer_search_text(organisation)


@receiver(post_save, sender=PersonAlias)
@receiver(post_delete, sender=PersonAlias)
def refresh_after_person_alias_change(sender, instance: PersonAlias, **kwargs):
    person = Person.objects.filter(pk=instance.person_id).first()
    if person is not None:
        refresh_signer_search_text(person)


def invalidate_public_pages(sender, using: str, **kwargs):
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
