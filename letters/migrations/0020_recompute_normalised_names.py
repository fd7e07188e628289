"""Store every normalised name again under the rule of letters/lib/text.py, which now
ignores apostrophes, quotes, dots and hyphens ("Barnardos" finds "Barnardo's").

What is recomputed: alias `normalised_name`, sign-up `name_key`, and the `search_text` of
organisations, people, signatures and letters (letters now also hold their organisers,
addressees and texts). Only changed rows are written, in batches. On SQLite the FTS
triggers follow the signature updates; where a table rebuild has dropped them, the
search index is rebuilt after `migrate` (letters/search_index.py).

Two organisations whose aliases become the same name would make matching ambiguous, and
the alias table refuses it: the migration then stops, names them and changes nothing.
Two aliases of one organisation that become the same name are one alias: the later is
deleted, as a merge does.
"""

from collections import defaultdict

from django.db import migrations

from letters.lib.text import normalise
from letters.signature_list import search_text

BATCH = 1000


def _save_changed(model, field, changed):
    for start in range(0, len(changed), BATCH):
        model.objects.bulk_update(changed[start : start + BATCH], [field])


def _organisation_aliases(OrganisationAlias):
    owners = {}
    changed, redundant, conflicts = [], [], []
    for alias in OrganisationAlias.objects.order_by("pk"):
        key = normalise(alias.name)
        owner = owners.setdefault(key, alias)
        if owner is not alias:
            if owner.organisation_id == alias.organisation_id:
                redundant.append(alias.pk)
                continue
            conflicts.append(f"'{owner.name}' (organisation #{owner.organisation_id}) and "
                             f"'{alias.name}' (organisation #{alias.organisation_id})")
        if alias.normalised_name != key:
            alias.normalised_name = key
            changed.append(alias)
    if conflicts:
        raise RuntimeError(
            "These aliases name different organisations and become the same name once "
            "apostrophes, quotes, dots and hyphens are ignored: " + "; ".join(conflicts)
            + ". Rename or merge them in the admin, then run migrate again."
        )
    OrganisationAlias.objects.filter(pk__in=redundant).delete()
    _save_changed(OrganisationAlias, "normalised_name", changed)


def _person_aliases(PersonAlias):
    changed = []
    for alias in PersonAlias.objects.order_by("pk"):
        key = normalise(alias.name)
        if alias.normalised_name != key:
            alias.normalised_name = key
            changed.append(alias)
    _save_changed(PersonAlias, "normalised_name", changed)


def _signers(model, alias_model, owner_field):
    """Each signer's names (canonical, then aliases by name), after saving its own."""
    aliases = defaultdict(list)
    for owner, name in alias_model.objects.order_by("name").values_list(owner_field, "name"):
        aliases[owner].append(name)
    names, changed = {}, []
    for signer in model.objects.only("pk", "name", "search_text").iterator(chunk_size=BATCH):
        names[signer.pk] = [signer.name, *aliases.get(signer.pk, [])]
        text = search_text(names[signer.pk])
        if signer.search_text != text:
            signer.search_text = text
            changed.append(signer)
    _save_changed(model, "search_text", changed)
    return names


def _signatures(Signature, organisation_names, person_names):
    changed = []
    rows = Signature.objects.only(
        "pk", "published_name", "organisation_id", "person_id", "search_text"
    )
    for signature in rows.iterator(chunk_size=BATCH):
        if signature.organisation_id is not None:
            signer = organisation_names[signature.organisation_id]
        else:
            signer = person_names[signature.person_id]
        text = search_text([signature.published_name, *signer])
        if signature.search_text != text:
            signature.search_text = text
            changed.append(signature)
        if len(changed) >= BATCH:
            _save_changed(Signature, "search_text", changed)
            changed = []
    _save_changed(Signature, "search_text", changed)


def _letter_names(letter):
    """signature_list.letter_search_names as it stands at this migration (a migration
    keeps working whatever later code reads)."""
    names = [letter.title]
    names.extend(letter.organisers.order_by("position", "pk").values_list("name", flat=True))
    names.extend(letter.addressees.order_by("position", "pk").values_list("name", flat=True))
    texts = letter.texts.order_by("-is_original", "language")
    for title, body, source_id in texts.values_list("title", "body", "source_id"):
        if source_id is not None or letter.accepts_signups:
            names.extend([title, body])
    return names


def recompute_normalised_names(apps, schema_editor):
    _organisation_aliases(apps.get_model("letters", "OrganisationAlias"))
    _person_aliases(apps.get_model("letters", "PersonAlias"))
    SignupRequest = apps.get_model("letters", "SignupRequest")
    changed = []
    for request in SignupRequest.objects.only("pk", "name", "name_key").iterator():
        key = normalise(request.name)[: SignupRequest._meta.get_field("name_key").max_length]
        if request.name_key != key:
            request.name_key = key
            changed.append(request)
    _save_changed(SignupRequest, "name_key", changed)
    organisations = _signers(
        apps.get_model("letters", "Organisation"),
        apps.get_model("letters", "OrganisationAlias"),
        "organisation_id",
    )
    people = _signers(
        apps.get_model("letters", "Person"), apps.get_model("letters", "PersonAlias"), "person_id"
    )
    _signatures(apps.get_model("letters", "Signature"), organisations, people)
    Letter = apps.get_model("letters", "Letter")
    changed = []
    for letter in Letter.objects.all():
        text = search_text(_letter_names(letter))
        if letter.search_text != text:
            letter.search_text = text
            changed.append(letter)
    _save_changed(Letter, "search_text", changed)


class Migration(migrations.Migration):
    dependencies = [("letters", "0019_letter_texts_and_source_staff_notes")]

    operations = [migrations.RunPython(recompute_normalised_names, migrations.RunPython.noop)]
