"""Users of the portal: each belongs to a country and holds roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in the network; each role is a Django group of that name."""

    OFFICER = "officer", _("Frontline officer")
    EXPERT = "expert", _("Document expert")
    TRAINER = "trainer", _("Trainer")
    CHAIR = "chair", _("Network chair")


# Roles are held as group memberships so that Wagtail's user admin can grant them.
ROLE_GROUP_NAMES: dict[str, str] = {
    Role.OFFICER: "Frontline officers",
    Role.EXPERT: "Document experts",
    Role.TRAINER: "Trainers",
    Role.CHAIR: "Network chairs",
}


class User(AbstractUser):
    """A person signed in to the portal, belonging to one member country.

    Administrators (superusers) may have no country. What a user may see is decided by
    ``portal.access.rule`` from their country, its networks, roles and grants.
    """

    country = models.ForeignKey(
        "access.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The member country this person works for."),
    )
    is_demo = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Created by load_demo; production refuses to start while any exist."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @cached_property
    def roles(self) -> list[str]:
        """The user's role slugs (``officer``, ``expert`` ...), from their groups."""
        by_group = {name: role for role, name in ROLE_GROUP_NAMES.items()}
        return sorted(
            str(by_group[name])
            for name in self.groups.values_list("name", flat=True)
            if name in by_group
        )

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]


class KeysEpoch(models.Model):
    """One row counting the changes to what users hold (``rule.users_keys``'s inputs).

    Database triggers (migration ``access.0006``) raise ``value`` whenever a user's
    activity, superuser flag or country, a user's groups, a group's name, a network's
    slug or a country's membership of a network changes — whatever writes it: the ORM,
    a bulk update, a migration or raw SQL. A process may keep users' keys as long as the
    counter has not moved (the push hub does, ``portal.push.hub``): no write path can
    forget to tell it.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("keys epoch")

    def __str__(self) -> str:
        return str(self.value)
