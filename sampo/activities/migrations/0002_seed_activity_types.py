from django.db import migrations

ACTIVITY_TYPES = [("call", "Call"), ("meeting", "Meeting"), ("email", "Email"), ("note", "Note")]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("activities", "ActivityType")
    for position, (code, name) in enumerate(ACTIVITY_TYPES):
        ActivityType.objects.update_or_create(
            code=code, defaults={"name": name, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_activities")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
