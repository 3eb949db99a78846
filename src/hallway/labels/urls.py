from django.urls import path

from hallway.labels import views

urlpatterns = [
    path("", views.label_rules, name="label_rules"),
    path("share/<int:post_id>/", views.share_post, name="post_share"),
]
