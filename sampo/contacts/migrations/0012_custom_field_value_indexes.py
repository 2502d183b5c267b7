from django.db import migrations


def create_indexes(apps, schema_editor):
    # The indexes of the custom fields defined before they were indexed (core.custom_fields.
    # indexes). They follow the admin's definitions, not the models, so they are not in any
    # model's Meta: the live definitions module creates them, for this app's record types.
    from sampo.core.custom_fields import indexes

    indexes.sync(schema_editor=schema_editor, app_label="contacts")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0011_organization_subsidiaries_index"),
        ("core", "0004_custom_fields_and_list_columns"),
    ]

    operations = [migrations.RunPython(create_indexes, migrations.RunPython.noop)]
