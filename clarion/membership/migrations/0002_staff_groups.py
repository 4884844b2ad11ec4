"""Groups for the people who follow up members: what each may do. Whose records they see
is set per person under Membership → Staff access (a branch, a region, or everyone);
without that, these permissions show them no one."""

from django.db import migrations

LOCAL = [
    "add_person", "change_person", "view_person",
    "add_joinrequest", "change_joinrequest", "view_joinrequest",
    "view_subscription", "view_donation", "view_consent",
]
NATIONAL = LOCAL + [
    "change_subscription", "add_subscription",
    "change_donation", "add_donation",
    "delete_joinrequest", "delete_person",
    "add_membershipgoal", "change_membershipgoal", "delete_membershipgoal", "view_membershipgoal",
    "view_auditentry",
]
GROUPS = {
    "Branch secretaries": LOCAL,
    "Regional organisers": LOCAL,
    "National membership staff": NATIONAL,
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for label in ("membership", "wagtailadmin"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    admin_access = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            admin_access,
            *Permission.objects.filter(
                content_type__app_label="membership", codename__in=codenames
            ),
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
