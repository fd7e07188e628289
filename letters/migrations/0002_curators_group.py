"""Create the "Curators" group: add, change and view on the tracker's models, nothing else.

No delete (mistakes are corrected, not erased; statuses such as withdrawn keep the
record) and no user or group management.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED_MODELS = [
    "source",
    "organisation",
    "organisationalias",
    "person",
    "personalias",
    "letter",
    "reportedcount",
    "addressee",
    "organiser",
    "signature",
    "endorsement",
    "quote",
    "response",
]
ACTIONS = ["add", "change", "view"]


def create_curators_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; make sure they exist now.
    app_config = apps.get_app_config("letters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model in CURATED_MODELS for action in ACTIONS]
    permissions = Permission.objects.filter(
        content_type__app_label="letters", codename__in=codenames
    )
    group, _ = Group.objects.get_or_create(name="Curators")
    group.permissions.set(permissions)


def remove_curators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curators_group, remove_curators_group)]
