from django.urls import path

from . import views

app_name = "media"

urlpatterns = [
    path("<slug:kind>/<int:pk>/", views.document_file, name="document-file"),
    path("<slug:kind>/<int:pk>/<str:size>/", views.image_file, name="image-file"),
]
