"""Building blocks for the pages of shared content types.

Pages of specimens, alerts, courses ... use these (class views subclass them, function
views take ``hidden_asks_login``) so that every list and detail
page asks the access rule the same way: lists show only visible items, a detail page
of an item the user may not see is a 404, and an anonymous visitor who reaches a
non-public item is sent to sign in (without learning whether it exists).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from . import rule


def hidden_asks_login(view):
    """Decorate an item page: when it is a 404 (no such item, or not shared with the
    user), an anonymous visitor is sent to sign in instead — never told whether the item
    exists — and a signed-in user gets the 404."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise

    return wrapped


class VisibleItemsMixin:
    """Restrict the view's queryset to what ``request.user`` may view."""

    def get_queryset(self):
        return rule.visible_to(user=self.request.user, queryset=super().get_queryset())

    @method_decorator(hidden_asks_login)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class ShareableListView(VisibleItemsMixin, ListView):
    """A paginated list of the shared items the user may see."""

    paginate_by = 24

    def dispatch(self, request, *args, **kwargs):
        # Lists of members-only content ask anonymous visitors to sign in; the public
        # items of a type are reachable at their own URLs.
        if not request.user.is_authenticated and not getattr(self, "allow_anonymous", False):
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


class ShareableDetailView(VisibleItemsMixin, DetailView):
    """One shared item, or 404 (anonymous: the login page) if the user may not see it."""

    def get_object(self, queryset=None):
        # Through the rule's single-item lookup, which also writes the access log.
        return rule.get_visible_or_404(
            user=self.request.user,
            queryset=DetailView.get_queryset(self) if queryset is None else queryset,
            pk=self.kwargs.get(self.pk_url_kwarg),
        )
