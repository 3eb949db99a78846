from django.urls import path

from hallway.moderation import views

urlpatterns = [
    path("", views.queue, name="moderation_queue"),
    path("reports/<int:report_id>/decide/", views.decide, name="moderation_decide"),
    path("posts/<int:post_id>/report/", views.report_post, name="report_post"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
    path("mine/", views.mine, name="moderation_mine"),
]
