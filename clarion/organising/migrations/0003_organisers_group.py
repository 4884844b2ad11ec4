"""An 'Organisers' group: people who keep regions, branches, contacts and events current in
the admin, and nothing else (no articles, no settings)."""

from django.db import migrations

GROUP = "Organisers"
MODELS = ["region", "branch", "organiser", "event", "eventkind"]
ACTIONS = ["add", "change", "delete", "view"]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("organising")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    for label in ("wagtailadmin",):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    permissions = list(
        Permission.objects.filter(content_type__app_label="organising", codename__in=wanted)
    )
    permissions += list(
        Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organising", "0002_site_pages_and_kinds"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
