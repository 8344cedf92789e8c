"""Admin: read-volume flags with their evidence; suspend or dismiss from the list (audited)."""

from __future__ import annotations

from django.contrib import admin, messages

from ops.models import ReadVolumeFlag
from ops.services import account_suspend, read_flag_dismiss
from pv.core.exceptions import DomainError


@admin.register(ReadVolumeFlag)
class ReadVolumeFlagAdmin(admin.ModelAdmin):
    list_display = ("created_at", "account", "window_seconds", "total", "limit", "status")
    list_filter = ("status", "window_seconds")
    search_fields = ("account__username",)
    readonly_fields = [f.name for f in ReadVolumeFlag._meta.fields]
    actions = ["suspend_accounts", "dismiss_flags"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Suspend the flagged accounts (tokens and sessions stop working)")
    def suspend_accounts(self, request, queryset):
        for flag in queryset.select_related("account"):
            try:
                account_suspend(
                    actor=request.user,
                    account=flag.account,
                    reason=f"read-volume flag {flag.pk} (admin action)",
                )
            except DomainError as exc:
                self.message_user(request, f"{flag.account}: {exc.message}", messages.WARNING)

    @admin.action(description="Dismiss the flags (legitimate use)")
    def dismiss_flags(self, request, queryset):
        for flag in queryset.filter(status=ReadVolumeFlag.Status.OPEN):
            read_flag_dismiss(actor=request.user, flag=flag, reason="dismissed in admin")
