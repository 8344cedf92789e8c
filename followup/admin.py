"""Admin: read-only. Follow-up rows change only through `followup.services`; links are left
out (a token hash is useless to a person, and not listing them keeps it that way)."""

from __future__ import annotations

from django.contrib import admin

from followup.models import FollowupAttempt, FollowupMessage, FollowupRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowupRequest)
class FollowupRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "partner", "worldwide_case_id", "status", "wanted_by", "created_at")
    list_filter = ("status", "decision", "partner")
    search_fields = ("worldwide_case_id",)


class FollowupAttemptInline(admin.TabularInline):
    model = FollowupAttempt
    extra = 0
    can_delete = False
    fields = ("number", "kind", "outcome", "detail", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowupMessage)
class FollowupMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "member", "worldwide_case_id", "status", "attempts", "review_status")
    list_filter = ("status", "review_status")
    search_fields = ("worldwide_case_id", "member__public_id")
    inlines = [FollowupAttemptInline]
