"""An import's rows move from one JSON list on the import to a table row each, so that
a long list is read, matched, shown and written a chunk at a time (issue 12)."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 2000


def rows_to_table(apps, schema_editor):
    SignatoryImport = apps.get_model("letters", "SignatoryImport")
    SignatoryImportRow = apps.get_model("letters", "SignatoryImportRow")
    for signatory_import in SignatoryImport.objects.only("pk", "rows").iterator(chunk_size=1):
        SignatoryImportRow.objects.bulk_create(
            (
                SignatoryImportRow(
                    signatory_import_id=signatory_import.pk,
                    number=number,
                    status=row.get("status") or "",
                    choice=row.get("choice") or "",
                    outcome=row.get("outcome") or "",
                    data=row,
                )
                for number, row in enumerate(signatory_import.rows)
            ),
            batch_size=CHUNK,
        )


def table_to_rows(apps, schema_editor):
    SignatoryImport = apps.get_model("letters", "SignatoryImport")
    for signatory_import in SignatoryImport.objects.all():
        signatory_import.rows = list(
            signatory_import.row_set.order_by("number").values_list("data", flat=True)
        )
        signatory_import.save(update_fields=["rows"])


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0023_curators_set_letter_contacts"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignatoryImportRow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(help_text="Its place in the list, from 0.")),
                (
                    "status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("exact", "Same record, with evidence"),
                            ("alias", "Matches by alias"),
                            ("same_name", "Same name only, to check"),
                            ("organisation", "Organisation listed as an individual"),
                            ("close", "Close match, to check"),
                            ("new", "New record"),
                            ("duplicate", "Duplicate of an earlier row"),
                            ("signed", "Already a signatory"),
                            ("invalid", "Invalid"),
                        ],
                        max_length=20,
                    ),
                ),
                ("choice", models.CharField(blank=True, max_length=40)),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("created", "Signed by a new record"),
                            ("signed", "Signed by an existing record"),
                            ("skipped", "Skipped"),
                        ],
                        max_length=10,
                    ),
                ),
                ("data", models.JSONField()),
                (
                    "signatory_import",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="row_set",
                        to="letters.signatoryimport",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["signatory_import", "status", "number"],
                        name="letters_sig_signato_ea2ce6_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("signatory_import", "number"), name="import_row_has_one_place"
                    )
                ],
            },
        ),
        migrations.RunPython(rows_to_table, table_to_rows),
        migrations.RemoveField(
            model_name="signatoryimport",
            name="rows",
        ),
    ]
