from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.access.models import Shareable


class Notice(Shareable):
    """A shared note with a draft state: the smallest possible shared content type."""

    title = models.CharField(max_length=200)
    released = models.BooleanField(default=True)

    def __str__(self):
        return self.title

    def is_released(self) -> bool:
        return self.released

    def get_absolute_url(self):
        return f"/test-notices/{self.pk}/"


class NoticeUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian grants, as every real content type has them."""

    content_object = models.ForeignKey(Notice, on_delete=models.CASCADE)


class NoticeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Notice, on_delete=models.CASCADE)
