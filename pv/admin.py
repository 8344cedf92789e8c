"""Admin: read-mostly views for platform admins. RestrictedIdentity is deliberately absent:
Restricted Data is reachable only through the vault service, never through a generic UI."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from pv.models import AuditEvent, Case, Member, Partner, Product, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "partner", "is_active")
    list_filter = ("role", "partner")
    fieldsets = (*BaseUserAdmin.fieldsets, ("pv", {"fields": ("role", "partner")}))


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "region", "e2b_receiver_id", "e2b_profile")
    list_filter = ("kind",)
    inlines = [ProductInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases and audit events change only through their services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "sex", "birth_year", "country", "status", "contact_opt_out")
    list_filter = ("status", "contact_opt_out", "country")
    search_fields = ("public_id",)
    exclude = ("user",)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "worldwide_case_id",
        "version",
        "is_latest",
        "status",
        "day_zero",
        "received_at",
    )
    list_filter = ("status", "is_latest")
    search_fields = ("worldwide_case_id", "sender_report_id")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
