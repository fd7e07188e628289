"""Curators set a hosted letter's contact and its digest, and see who follows what (the
subscriptions are read-only in the admin)."""

from django.db import migrations

PERMISSIONS = [
    "add_lettercontact",
    "change_lettercontact",
    "view_lettercontact",
    "view_subscription",
]


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
    dependencies = [("letters", "0022_notifications")]

    operations = [migrations.RunPython(grant, revoke)]
