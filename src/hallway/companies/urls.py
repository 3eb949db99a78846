from django.urls import path

from hallway.companies import views

urlpatterns = [
    path("", views.company_list, name="company_list"),
    path("<slug:slug>/", views.company_detail, name="company_detail"),
    path("<slug:slug>/logo", views.company_logo, name="company_logo"),
    path("<slug:slug>/edit/", views.company_edit, name="company_edit"),
    path("<slug:slug>/follow/", views.company_follow, name="company_follow"),
]
