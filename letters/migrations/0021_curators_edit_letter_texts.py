"""Curators add, change and view the letters' own texts and translations."""

from django.db import migrations

PERMISSIONS = ["add_lettertext", "change_lettertext", "view_lettertext"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("letters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Curators")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="letters", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Curators").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="letters", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [("letters", "0020_recompute_normalised_names")]

    operations = [migrations.RunPython(grant, revoke)]
