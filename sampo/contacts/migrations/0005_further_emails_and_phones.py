"""Further emails and phones of organizations and people (see contacts/contact_details.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_merges"),
    ]

    operations = [
        migrations.AddField(
            model_name="merge",
            name="added_rows",
            field=models.JSONField(default=list),
        ),
        migrations.CreateModel(
            name="OrganizationContactDetail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("email", "email"), ("phone", "phone")],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        choices=[
                            ("work", "work"),
                            ("home", "home"),
                            ("mobile", "mobile"),
                            ("billing", "billing"),
                            ("other", "other"),
                        ],
                        default="other",
                        max_length=10,
                        verbose_name="label",
                    ),
                ),
                ("value", models.CharField(max_length=254, verbose_name="value")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contact_details",
                        to="contacts.organization",
                    ),
                ),
            ],
            options={
                "verbose_name": "more emails and phones",
                "verbose_name_plural": "more emails and phones",
                "ordering": ["kind", "position", "id"],
                "abstract": False,
                "indexes": [models.Index(fields=["kind", "value"], name="org_detail_value_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "kind", "value"), name="org_detail_once_per_org"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PersonContactDetail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("email", "email"), ("phone", "phone")],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        choices=[
                            ("work", "work"),
                            ("home", "home"),
                            ("mobile", "mobile"),
                            ("billing", "billing"),
                            ("other", "other"),
                        ],
                        default="other",
                        max_length=10,
                        verbose_name="label",
                    ),
                ),
                ("value", models.CharField(max_length=254, verbose_name="value")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contact_details",
                        to="contacts.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "more emails and phones",
                "verbose_name_plural": "more emails and phones",
                "ordering": ["kind", "position", "id"],
                "abstract": False,
                "indexes": [models.Index(fields=["kind", "value"], name="person_detail_value_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("person", "kind", "value"), name="person_detail_once_per_person"
                    )
                ],
            },
        ),
    ]
