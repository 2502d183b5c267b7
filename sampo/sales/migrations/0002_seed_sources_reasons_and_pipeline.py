from django.db import migrations

LEAD_SOURCES = [
    ("web-form", "Web form"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("event", "Event"),
    ("referral", "Referral"),
    ("campaign", "Campaign"),
]
LOST_REASONS = [
    ("price", "Price"),
    ("competitor", "Chose a competitor"),
    ("no-budget", "No budget"),
    ("no-decision", "No decision"),
    ("timing", "Timing"),
]
# Seeded names in English; they are shown translated until an admin renames them.
STAGES = [("Qualification", 10), ("Needs analysis", 25), ("Proposal", 50), ("Negotiation", 75)]


def seed(apps, schema_editor):
    for model_name, rows in (("LeadSource", LEAD_SOURCES), ("LostReason", LOST_REASONS)):
        model = apps.get_model("sales", model_name)
        for position, (code, name) in enumerate(rows):
            model.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    Pipeline = apps.get_model("sales", "Pipeline")
    Stage = apps.get_model("sales", "Stage")
    if not Pipeline.objects.exists():
        pipeline = Pipeline.objects.create(name="Sales", position=0)
        for position, (name, probability) in enumerate(STAGES):
            Stage.objects.create(
                pipeline=pipeline, name=name, probability=probability, position=position
            )


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_sales")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
