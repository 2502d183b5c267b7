from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0004_opportunity_list_index"),
    ]

    operations = [
        # The API's list of a stage, newest first:
        # GET /api/v1/opportunities?stage_id=…&sort=-created_at →
        # WHERE stage_id = ? ORDER BY created_at DESC, id DESC LIMIT 81
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                fields=["stage", "-created_at", "-id"], name="opp_stage_created_idx"
            ),
        ),
        # The API's incremental sync, trashed rows included:
        # GET /api/v1/opportunities?updated_since=… →
        # WHERE updated_at >= ? ORDER BY updated_at, id LIMIT 51
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(fields=["updated_at", "id"], name="opp_updated_idx"),
        ),
    ]
