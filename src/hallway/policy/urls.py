from django.urls import path

from hallway.policy import views

urlpatterns = [
    path("", views.rule_list, name="policy_rules"),
    path("rules/new/", views.rule_create, name="policy_rule_create"),
    path("rules/<int:rule_id>/", views.rule_edit, name="policy_rule_edit"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="policy_rule_delete"),
    path("test/", views.rule_trial, name="policy_test"),
    path("review/", views.review_queue, name="policy_review"),
    path("review/<int:decision_id>/", views.review_decide, name="policy_review_decide"),
    path("mine/", views.my_decisions, name="policy_mine"),
    path("audience/", views.audience_check, name="policy_audience"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export/", views.audit_export, name="audit_export"),
]
