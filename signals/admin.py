"""Admin: read-mostly views of runs, datasets and signals (workflow moves go through the API,
which records rationale and audit; the admin does not edit statuses)."""

from django.contrib import admin

from signals.models import ExternalDataset, Signal, SignalRun, SignalTransition


@admin.register(SignalRun)
class SignalRunAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "source",
        "drug_level",
        "event_level",
        "status",
        "trigger",
        "latest_period",
        "n_pairs",
        "n_new_signals",
    )
    list_filter = ("source", "status", "trigger", "drug_level", "event_level")
    readonly_fields = [f.name for f in SignalRun._meta.concrete_fields]


@admin.register(ExternalDataset)
class ExternalDatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "reports", "rows", "created_at")
    readonly_fields = [f.name for f in ExternalDataset._meta.concrete_fields]


class SignalTransitionInline(admin.TabularInline):
    model = SignalTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "reviewer", "rationale", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = (
        "drug",
        "event",
        "source",
        "drug_level",
        "event_level",
        "first_period",
        "status",
    )
    list_filter = ("source", "status", "drug_level", "event_level")
    search_fields = ("drug", "event", "drug_key")
    readonly_fields = [f.name for f in Signal._meta.concrete_fields]
    inlines = [SignalTransitionInline]
