from django.db import migrations

RELATIONSHIP_TYPES = [
    ("customer", "Customer"),
    ("prospect", "Prospect"),
    ("supplier", "Supplier"),
    ("competitor", "Competitor"),
    ("partner", "Partner"),
    ("association", "Association"),
    ("donor", "Donor"),
    ("volunteer", "Volunteer"),
]


def seed(apps, schema_editor):
    from sampo.contacts.industry_codes import INDUSTRY_CODES

    RelationshipType = apps.get_model("contacts", "RelationshipType")
    Industry = apps.get_model("contacts", "Industry")
    for position, (code, name) in enumerate(RELATIONSHIP_TYPES):
        RelationshipType.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )
    by_code = {}
    for code, parent, name_en, name_fi, name_hu in INDUSTRY_CODES:  # sections come first
        by_code[code], _ = Industry.objects.update_or_create(
            code=code,
            defaults={
                "parent": by_code.get(parent),
                "name_en": name_en,
                "name_fi": name_fi,
                "name_hu": name_hu,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_register")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
