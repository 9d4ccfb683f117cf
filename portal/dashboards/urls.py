from django.urls import path

from . import views, views_import

app_name = "dashboards"

urlpatterns = [
    # === dashboards: page ===
    path("", views.dashboard, name="page"),
    path("export.csv", views.dashboard_export, name="export"),
    # === end dashboards: page ===
    # === dashboards: import ===
    path("import/", views_import.import_page, name="import"),
    path("import/template.csv", views_import.template_cases, name="import-template"),
    path(
        "import/template-scanned.csv",
        views_import.template_scanned,
        name="import-template-scanned",
    ),
    path("import/template.xlsx", views_import.template_xlsx, name="import-template-xlsx"),
    path("import/<int:pk>/withdraw/", views_import.import_withdraw, name="import-withdraw"),
    # === end dashboards: import ===
]
