from django.urls import path

from hallway.search import views

urlpatterns = [
    path("", views.search_view, name="search"),
    path("suggest/", views.search_suggest_view, name="search_suggest"),
    path("experts/", views.experts_view, name="experts"),
    path("suggestions/", views.suggestions_view, name="suggestions"),
    path("suggestions/dismiss/", views.dismiss_suggestion_view, name="suggestion_dismiss"),
]
