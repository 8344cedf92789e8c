from django.contrib import admin

from coding.models import Dictionary


@admin.register(Dictionary)
class DictionaryAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "terminology",
        "version",
        "format",
        "is_active",
        "concept_count",
        "loaded_at",
    )
    list_filter = ("kind", "format", "is_active")
    readonly_fields = [f.name for f in Dictionary._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # loaded with `pv dictionaries load`, which parses and stores the files
