from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("subscriptions/", views.alert_subscriptions, name="subscriptions"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("<int:pk>/workflow/", views.alert_workflow, name="workflow"),
    path("<int:pk>/sighting/", views.alert_sighting, name="sighting"),
    path("<int:pk>/reach/", views.alert_reach, name="reach"),
    path("<int:pk>/card/", views.alert_card, name="card"),
]
