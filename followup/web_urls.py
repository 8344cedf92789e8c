from django.urls import path

from followup import views

urlpatterns = [
    path("followup/reply/<str:token>/", views.FollowupReplyView.as_view(), name="followup-reply"),
]
