from django.db import migrations

# Names are stored in English; the product shows system roles by their code, translated.
SYSTEM_ROLES = [
    ("admin", "Admin"),
    ("sales_manager", "Sales manager"),
    ("salesperson", "Salesperson"),
    ("marketing", "Marketing"),
    ("support", "Support"),
    ("read_only", "Read-only"),
]


def seed_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for position, (code, name) in enumerate(SYSTEM_ROLES):
        Role.objects.update_or_create(
            code=code, defaults={"name": name, "is_system": True, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_users_roles_teams")]

    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
