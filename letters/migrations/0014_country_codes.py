"""Countries become ISO 3166-1 alpha-2 codes (letters/lib/countries.py); migration 0011
converted the names held before, so every value fits the two-letter column."""

import letters.lib.countries
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("letters", "0013_sourced_identity_and_country_codes"),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalorganisation',
            name='country',
            field=models.CharField(blank=True, choices=letters.lib.countries.country_choices, max_length=2),
        ),
        migrations.AlterField(
            model_name='historicalperson',
            name='country',
            field=models.CharField(blank=True, choices=letters.lib.countries.country_choices, max_length=2),
        ),
        migrations.AlterField(
            model_name='historicalsignature',
            name='country',
            field=models.CharField(blank=True, choices=letters.lib.countries.country_choices, help_text='As stated or inferred.', max_length=2),
        ),
        migrations.AlterField(
            model_name='organisation',
            name='country',
            field=models.CharField(blank=True, choices=letters.lib.countries.country_choices, max_length=2),
        ),
        migrations.AlterField(
            model_name='person',
            name='country',
            field=models.CharField(blank=True, choices=letters.lib.countries.country_choices, max_length=2),
        ),
        migrations.AlterField(
            model_name='signature',
            name='country',
            field=models.CharField(blank=True, choices=letters.lib.countries.country_choices, help_text='As stated or inferred.', max_length=2),
        ),
        migrations.AlterField(
            model_name='signuprequest',
            name='country',
            field=models.CharField(blank=True, choices=letters.lib.countries.country_choices, max_length=2),
        ),
    ]
