"""Data: case versions that exist before the outbox mark were routed when they were created
(or never will be), so the submissions sweeper must not route them again under today's rules."""

from django.db import migrations
from django.db.models import F


def mark_existing_routed(apps, schema_editor):
    Case = apps.get_model("pv", "Case")
    Case.objects.filter(routed_at__isnull=True).update(routed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("pv", "0007_case_routed_at")]

    operations = [migrations.RunPython(mark_existing_routed, migrations.RunPython.noop)]
