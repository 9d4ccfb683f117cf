from django.urls import path

from . import views

app_name = "specimens"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/similar/", views.similar, name="similar"),
    path("images/<int:pk>/<str:size>/", views.image_file, name="image-file"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/<slug:slug>/", views.glossary_term, name="glossary-term"),
]
