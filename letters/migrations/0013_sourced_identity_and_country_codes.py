"""Data for migration 0010's fields, and countries as ISO codes before 0012 narrows them.

- `Signature.sourced`: cited by a source, or made by a confirmed sign-up.
- `Signature.identity_basis`: a record's only signature made it (`new`); any other
  signature of a record was joined to it by name before evidence was recorded, so it
  stays `name` (not established) until a curator confirms it.
- Countries: each name held becomes its ISO 3166-1 alpha-2 code ("United Kingdom",
  "UK" → "GB"). A signature's country that is not one country ("Latin America
  (region)") moves into its public note, so nothing is lost; an organisation's, a
  person's, a sign-up's or a history row's is left empty.
"""

from django.db import migrations
from django.db.models import Count, Exists, OuterRef, Q

from letters.lib.countries import UnknownCountry, country_code


def _code(value: str) -> str | None:
    try:
        return country_code(value or "")
    except UnknownCountry:
        return None


def convert_countries(model, keep_in_note: bool = False) -> None:
    values = model.objects.exclude(country="").values_list("country", flat=True).distinct()
    for value in list(values):
        code = _code(value)
        if code == value:
            continue
        rows = model.objects.filter(country=value)
        if code is not None:
            rows.update(country=code)
            continue
        if keep_in_note:
            for row in rows:
                note = f"Country as first recorded: {value}."
                row.note = f"{row.note}\n{note}".strip() if row.note else note
                row.country = ""
                row.save(update_fields=["note", "country"])
        else:
            rows.update(country="")


def forwards(apps, schema_editor) -> None:
    Signature = apps.get_model("letters", "Signature")
    SignupRequest = apps.get_model("letters", "SignupRequest")
    cited = Signature.sources.through.objects.filter(signature=OuterRef("pk"))
    signed_here = SignupRequest.objects.filter(
        signature=OuterRef("pk"), action="sign", confirmed_at__isnull=False
    )
    Signature.objects.filter(Q(Exists(cited)) | Q(Exists(signed_here))).update(sourced=True)

    for field in ("organisation", "person"):
        only_signature = (
            Signature.objects.filter(**{f"{field}__isnull": False})
            .values(field)
            .annotate(total=Count("pk"))
            .filter(total=1)
            .values(field)
        )
        Signature.objects.filter(**{f"{field}__in": only_signature}).update(identity_basis="new")

    convert_countries(Signature, keep_in_note=True)
    for name in (
        "Organisation",
        "Person",
        "SignupRequest",
        "HistoricalSignature",
        "HistoricalOrganisation",
        "HistoricalPerson",
    ):
        convert_countries(apps.get_model("letters", name))


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0012_identity_provenance_and_letter_redirects"),
    ]

    # Backwards, codes are still valid text in the wider columns.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
