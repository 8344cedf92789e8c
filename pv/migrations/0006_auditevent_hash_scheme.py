"""The audit chain becomes keyed (HMAC-SHA256). Rows already written keep their plain SHA-256
hashes and are marked so (`scheme = "sha256"`); new rows default to the keyed scheme. Reversible:
going back drops the marker (reverse only on a chain with no keyed rows, or it no longer verifies
with the old code)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pv", "0005_vault_version_counter")]

    operations = [
        # Existing rows get "sha256" from this default ...
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.CharField(default="sha256", editable=False, max_length=16),
        ),
        # ... and rows written from now on "hmac-sha256".
        migrations.AlterField(
            model_name="auditevent",
            name="scheme",
            field=models.CharField(default="hmac-sha256", editable=False, max_length=16),
        ),
    ]
