"""Keep derived columns right on every save, fixture loads (raw saves) included.

- `Letter.listed_count` is recounted in the same transaction as any signature change.
- `search_text` on signatures, organisations and people follows names and aliases.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import (
    Letter,
    Organisation,
    OrganisationAlias,
    Person,
    PersonAlias,
    Signature,
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
def set_signature_search_text(sender, instance: Signature, **kwargs):
    instance.search_text = instance.build_search_text()


@receiver(post_save, sender=Signature)
@receiver(post_delete, sender=Signature)
def recount_letter(sender, instance: Signature, **kwargs):
    letter_ids = {instance.letter_id, getattr(instance, "_loaded_letter_id", None)}
    Letter.objects.filter(pk__in=letter_ids - {None}).recount_listed()
    instance._loaded_letter_id = instance.letter_id


@receiver(post_save, sender=Letter)
def recount_after_letter_save(sender, instance: Letter, **kwargs):
    """A letter object loaded before its signatures changed would save a stale count."""
    Letter.objects.filter(pk=instance.pk).recount_listed()


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
