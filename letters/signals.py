"""When derived data is kept right: on every save and delete, fixture loads (raw saves)
included. What is derived, and how, is letters/signature_list.py; which public pages a
change makes stale is letters/page_scopes.py, and how they go stale letters/page_cache.py."""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import page_scopes, signature_list
from .lib.text import normalise
from .models import (
    PUBLIC_STATUSES,
    Addressee,
    Correction,
    CorrectionRequest,
    Endorsement,
    IdentityBasis,
    Job,
    Letter,
    LetterRedirect,
    LetterText,
    Organisation,
    OrganisationAlias,
    OrganisationRedirect,
    Organiser,
    OutboundEmail,
    PeriodicTask,
    Person,
    PersonAlias,
    PersonRedirect,
    Quote,
    RateLimitHit,
    ReportedCount,
    Response,
    SignatoryImport,
    SignatoryImportRow,
    Signature,
    SignupLink,
    SignupRequest,
    Source,
    Topic,
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


@receiver([post_save, post_delete], sender=Addressee)
@receiver([post_save, post_delete], sender=Organiser)
@receiver([post_save, post_delete], sender=LetterText)
def refresh_letter_search_text(
    sender: type[Model], instance: Addressee | Organiser | LetterText, **kwargs: Any
) -> None:
    signature_list.refresh_letter_search_text(instance.letter_id)


@receiver(post_save, sender=Letter)
def redirect_corrected_letter_slug(sender: type[Letter], instance: Letter, **kwargs: Any) -> None:
    """A corrected slug keeps the old addresses working: they answer 301 (letters/old_slugs.py).
    The slug it had comes from `remember_old_slug`, which the page cache uses too."""
    for old_slug in _old_slugs(instance):
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


def _signature_row(signature: Signature, letter_id: int | None = None) -> page_scopes.SignatureRow:
    return (letter_id or signature.letter_id, signature.organisation_id, signature.person_id)


@receiver(post_save, sender=Signature)
def keep_letter_list_after_save(
    sender: type[Signature], instance: Signature, using: str, **kwargs: Any
) -> None:
    change = signature_list.after_signature_saved(instance)
    if change:
        rows = [_signature_row(instance), _signature_row(instance, change.old_letter_id)]
        page_scopes.signatures_changed(rows, using, stayed_public=change.stayed_public)


@receiver(post_delete, sender=Signature)
def keep_letter_list_after_delete(
    sender: type[Signature], instance: Signature, using: str, **kwargs: Any
) -> None:
    if instance.is_on_public_list:
        page_scopes.signatures_changed([_signature_row(instance)], using)
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


@receiver([post_save, post_delete], sender=OrganisationAlias)
@receiver([post_save, post_delete], sender=PersonAlias)
def refresh_after_alias_change(
    sender: type[Model], instance: OrganisationAlias | PersonAlias, using: str, **kwargs: Any
) -> None:
    owner: Organisation | Person | None
    if isinstance(instance, OrganisationAlias):
        owner = Organisation.objects.using(using).filter(pk=instance.organisation_id).first()
    else:
        owner = Person.objects.using(using).filter(pk=instance.person_id).first()
    if owner is not None:  # None when the alias goes with its deleted owner
        signature_list.refresh_signer_search_text(owner)
        # Shown on its pages; found by it in its letters' lists.
        page_scopes.signer_changed(owner, [], using)


def _sourced_changed(signature_ids: list[int], using: str) -> None:
    """Recompute whether these signatures have a source; the pages of those that joined or
    left a public list go stale."""
    if signature_list.refresh_sourced(signature_ids):
        # Only those a reader can see: a pending sign-up gaining a source changes no page.
        rows = Signature.objects.using(using).filter(
            pk__in=signature_ids, status__in=PUBLIC_STATUSES
        )
        page_scopes.signatures_changed(
            rows.values_list("letter_id", "organisation_id", "person_id"), using
        )


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
    _sourced_changed(signature_ids, using)
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
    if instance.signature_id:
        _sourced_changed([instance.signature_id], using)


@receiver(pre_delete, sender=Source)
def remember_cited_signatures(sender: type[Source], instance: Source, **kwargs: Any) -> None:
    # Deleting a source deletes its citations without an m2m signal.
    instance._cited_signature_ids = list(instance.signatures.values_list("pk", flat=True))


@receiver(post_delete, sender=Source)
def keep_sourced_after_source_delete(
    sender: type[Source], instance: Source, using: str, **kwargs: Any
) -> None:
    _sourced_changed(getattr(instance, "_cited_signature_ids", []), using)


# ---------------------------------------------------------------------------
# Which public pages go stale (letters/page_scopes.py). Signatures are handled above,
# bulk writes in SignatureQuerySet and merges in letters/curation/merging.py.
# ---------------------------------------------------------------------------

# Private records: sign-up and correction requests, rate limits, imports in progress, and
# the records of background work (the work itself invalidates through the rows it
# changes). History rows (django-simple-history) follow a change that is handled already.
PRIVATE_MODELS = {
    SignupRequest,
    SignupLink,
    CorrectionRequest,
    RateLimitHit,
    SignatoryImport,
    SignatoryImportRow,
    OutboundEmail,
    Job,
    PeriodicTask,
}
# Old slugs answer 301, which is never cached; merges that make them change every page.
UNCACHED_MODELS = {OrganisationRedirect, PersonRedirect}
LETTER_PARTS = {
    Addressee,
    Correction,
    Endorsement,
    LetterText,
    Organiser,
    Quote,
    ReportedCount,
    Response,
}


def _old_slug(instance: Letter | Organisation | Person, using: str) -> str | None:
    if instance._state.adding or instance.pk is None:
        return None
    manager = type(instance)._default_manager.using(using)
    return manager.filter(pk=instance.pk).values_list("slug", flat=True).first()


@receiver(pre_save, sender=Letter)
@receiver(pre_save, sender=Organisation)
@receiver(pre_save, sender=Person)
def remember_old_slug(
    sender: type[Model], instance: Letter | Organisation | Person, using: str, **kwargs: Any
) -> None:
    """A renamed URL's old pages must go stale too."""
    old = _old_slug(instance, using)
    instance.__dict__["_old_slugs"] = [old] if old and old != instance.slug else []


def _old_slugs(instance: Model) -> list[str]:
    """The slug the record had before this save, when it changed (set on every save)."""
    return instance.__dict__.get("_old_slugs", [])


@receiver([post_save, post_delete], sender=Letter)
def letter_pages_after_change(
    sender: type[Letter], instance: Letter, using: str, **kwargs: Any
) -> None:
    page_scopes.letter_changed(instance, _old_slugs(instance), using)


@receiver([post_save, post_delete], sender=Organisation)
@receiver([post_save, post_delete], sender=Person)
def signer_pages_after_change(
    sender: type[Model], instance: Organisation | Person, using: str, **kwargs: Any
) -> None:
    old_slugs = _old_slugs(instance)
    # A new record shows nowhere until something public names it (a sign-up's signer
    # stays out of sight until moderated).
    if not kwargs.get("created"):
        page_scopes.signer_changed(instance, old_slugs, using)


def letter_part_pages(sender: type[Model], instance: Model, using: str, **kwargs: Any) -> None:
    page_scopes.letter_part_changed(instance, using)


@receiver([post_save, post_delete], sender=Topic)
def topic_pages_after_change(
    sender: type[Topic], instance: Topic, using: str, **kwargs: Any
) -> None:
    page_scopes.topic_changed(instance, using)


@receiver([post_save, post_delete], sender=Source)
def source_pages_after_change(
    sender: type[Source], instance: Source, using: str, **kwargs: Any
) -> None:
    """A source is cited wherever it backs a fact; a new one nowhere yet (what cites it
    says so when it does)."""
    if not kwargs.get("created"):
        public_content_changed(using)


def every_page(sender: type[Model], using: str, **kwargs: Any) -> None:
    """Any model added later, until it says which pages it touches."""
    public_content_changed(using)


M2MHandler = Callable[[Model, bool, "set[int] | None", str], None]


def once_changed(handler: M2MHandler) -> Callable[..., None]:
    """An `m2m_changed` receiver calling `handler(instance, reverse, pk_set, using)` once
    the rows are added or removed (the post_ actions), never before."""

    # Not functools.wraps: Django checks that a receiver takes **kwargs by reading the
    # signature, which wraps would make the handler's.
    def on_change(
        sender: type[Model],
        instance: Model,
        action: str,
        reverse: bool,
        pk_set: set[int] | None,
        using: str,
        **kwargs: Any,
    ) -> None:
        if action.startswith("post_"):
            handler(instance, reverse, pk_set, using)

    return on_change


@once_changed
def letter_attachments(instance: Model, reverse: bool, pk_set: set[int] | None, using: str) -> None:
    """A letter's documents, coverage or topics were added or removed."""
    if not reverse:
        page_scopes.letter_ids_changed([instance.pk], using)
    elif pk_set is None:  # a source or topic cleared of all its letters, unnamed
        public_content_changed(using)
    else:
        page_scopes.letter_ids_changed(pk_set, using)


@once_changed
def signature_sources(instance: Model, reverse: bool, pk_set: set[int] | None, using: str) -> None:
    """The sources a signature cites, shown beside it in its letter's list."""
    if isinstance(instance, Signature):
        signatures = [instance]
    elif pk_set is None:  # a source cleared of all its signatures, unnamed
        public_content_changed(using)
        return
    else:
        signatures = list(Signature.objects.using(using).filter(pk__in=pk_set))
    public = [s for s in signatures if s.is_on_public_list]
    if public:
        rows = [_signature_row(s) for s in public]
        page_scopes.signatures_changed(rows, using, signers_moved=False)


HANDLED = {Signature, Letter, Organisation, Person, OrganisationAlias, PersonAlias, Topic, Source}
for model in apps.get_app_config("letters").get_models():
    if model.__name__.startswith("Historical") or model in PRIVATE_MODELS | UNCACHED_MODELS:
        continue
    if model in LETTER_PARTS:
        post_save.connect(letter_part_pages, sender=model)
        post_delete.connect(letter_part_pages, sender=model)
    elif model not in HANDLED:
        post_save.connect(every_page, sender=model)
        post_delete.connect(every_page, sender=model)
for relation in (Letter.documents, Letter.coverage, Letter.topics):
    m2m_changed.connect(letter_attachments, sender=relation.through)
m2m_changed.connect(signature_sources, sender=Signature.sources.through)
