from django.urls import path

from hallway.posts import views

urlpatterns = [
    path("new/", views.post_create, name="post_create"),
    path("files/", views.attachment_upload, name="attachment_upload"),
    path(
        "files/<int:attachment_id>/<str:name>",
        views.attachment_download,
        name="attachment_download",
    ),
    path("mentions/", views.mention_autocomplete, name="mention_autocomplete"),
    path("mentions/check/", views.mention_check, name="mention_check"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:comment_id>/react/", views.comment_react, name="comment_react"),
    path("<int:post_id>/", views.post_detail, name="post_detail"),
    path("<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("<int:post_id>/history/", views.post_history, name="post_history"),
    path("<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("<int:post_id>/react/", views.post_react, name="post_react"),
    path("<int:post_id>/reactions/", views.post_reactions, name="post_reactions"),
    path("<int:post_id>/vote/", views.post_vote, name="post_vote"),
    path("<int:post_id>/accept/", views.post_accept, name="post_accept"),
    path("<int:post_id>/comments/", views.comment_create, name="comment_create"),
]
