"""Create the database cache table (`CACHES` without PV_CACHE_URL) as part of `pv migrate`.

createcachetable creates a table for every DatabaseCache alias in settings and skips the ones
that exist, so this is safe to run on any installation; reversing leaves the table in place.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_read_volume_flag")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
