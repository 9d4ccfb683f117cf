from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Harmonised training: courses (shared items), quizzes graded on the server,
    completions and certificates that expire."""

    name = "portal.training"
    label = "training"
    verbose_name = _("Training")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps
        from wagtail.permissions import register_permission_policy

        from portal.media import registry as media_registry

        from .models import TrainingImage, TrainingVideo
        from .permissions import COURSE_PARTS, CoursePartPermissionPolicy

        for label, lookup in COURSE_PARTS.items():
            model = apps.get_model(label)
            register_permission_policy(model, CoursePartPermissionPolicy(model, lookup=lookup))
        media_registry.register(slug="training-images", model=TrainingImage, item="course")
        media_registry.register(slug="training-videos", model=TrainingVideo, item="course")
        # === training: api-search ===
        from portal.core.whats_new import Panel, panel_register

        from .search import register as search_register
        from .selectors import courses_newest

        search_register()
        panel_register(
            Panel(
                key="training",
                title=_("New courses"),
                template="training/_whats_new.html",
                items=courses_newest,
                more_url_name="training:courses",
                order=30,
            )
        )
        # === end training: api-search ===
