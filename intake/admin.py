from django.contrib import admin

from intake.models import AEReport, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("source_id", "forum", "posted_at", "screening_status")
    list_filter = ("screening_status", "forum")
    search_fields = ("source_id",)
    readonly_fields = ("member",)


@admin.register(AEReport)
class AEReportAdmin(admin.ModelAdmin):
    list_display = ("source_id", "submitted_at", "screening_status")
    list_filter = ("screening_status",)
    readonly_fields = ("member",)
