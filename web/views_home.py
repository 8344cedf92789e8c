"""The home page: each role's starting point (the member's is in web.views_member)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from intake.models import AEReport, Post
from pv.models import Case, Member, Partner, User
from web.views_member import member_home


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "pv/home.html"

    def get(self, request, *args, **kwargs):
        if request.user.role == User.Role.MEMBER:
            return member_home(request)  # their inbox, posts and reports
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["role"] = user.get_role_display()
        if user.role in ("reviewer", "admin"):
            context["counts"] = {
                "Members": Member.objects.count(),
                "Forum posts": Post.objects.count(),
                "AE reports": AEReport.objects.count(),
                "Cases (latest versions)": Case.objects.filter(is_latest=True).count(),
                "Partners": Partner.objects.count(),
            }
        return context
