from django.urls import path

from hallway.webhooks import views

urlpatterns = [
    path("", views.webhook_list_view, name="webhook_list"),
    path("<int:webhook_id>/", views.webhook_detail_view, name="webhook_detail"),
    path("groups/<int:group_id>/", views.group_webhooks_view, name="group_webhooks"),
]

incoming_urlpatterns = [
    path("<str:token>/", views.incoming_webhook_view, name="incoming_webhook"),
]
