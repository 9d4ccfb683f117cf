"""The account page: who I am, my API tokens (list, create, revoke), my password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.access import rule

from . import services
from .forms import LocaleForm
from .locale import locale_of, user_locale_set


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is it for?"),
        max_length=100,
        help_text=gettext_lazy("e.g. 'Laptop scripts' — so that you recognise it in the list."),
    )


@login_required
def account(request):
    """The signed-in user's account: country, networks, roles, language and time zone,
    tokens, password."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_issue(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    return _account_page(request, form=form, new_token=new_token)


@login_required
@require_POST
def account_locale(request):
    """Save the user's language and time zone; the next page is in them."""
    locale_form = LocaleForm(request.POST, locale=locale_of(user=request.user))
    if not locale_form.is_valid():
        return _account_page(request, locale_form=locale_form)
    user_locale_set(
        user=request.user,
        language=locale_form.cleaned_data["language"],
        time_zone=locale_form.cleaned_data["time_zone"],
    )
    locale = locale_of(user=request.user)
    with translation.override(locale.language):  # say so in the language just chosen
        messages.success(
            request,
            _("Saved: the portal now speaks %(language)s and shows times in %(zone)s.")
            % {
                "language": translation.get_language_info(locale.language)["name_local"],
                "zone": locale.time_zone,
            },
        )
    return redirect("account")


def _account_page(request, *, form=None, locale_form=None, new_token=None):
    locale = locale_of(user=request.user)
    if locale_form is None:
        profile = getattr(request.user, "wagtail_userprofile", None)
        locale_form = LocaleForm(
            locale=locale,
            initial={
                "language": getattr(profile, "preferred_language", ""),
                "time_zone": getattr(profile, "current_time_zone", ""),
            },
        )
    now = timezone.now()
    tokens = [
        {
            "row": row,
            "expires_at": row.lifetime.expires_at,
            "usable": row.revoked_at is None and row.lifetime.expires_at > now,
        }
        for row in services.api_tokens_of(user=request.user)[:50]
    ]
    return render(
        request,
        "accounts/account.html",
        {
            "form": form or TokenForm(),
            "locale_form": locale_form,
            "locale": locale,
            "new_token": new_token,
            "tokens": tokens,
            "networks": rule.user_networks(request.user),
            "imports_cases": rule.can_import_cases(request.user),
            "lifetime_days": services.api_token_lifetime().days,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the user's own tokens: it stops working everywhere at once."""
    row = services.api_token_revoke(user=request.user, token_id=pk)
    if row is None:
        raise Http404(_("You have no such token."))
    messages.success(
        request,
        _("Token “%(name)s” (%(prefix)s…) revoked: it no longer works.")
        % {"name": row.name, "prefix": row.prefix},
    )
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password; it revokes every API token of the account (``signal_handlers``)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Password changed. Your other sessions are signed out and your API tokens "
                "revoked: get new ones below where you need them."
            ),
        )
        return response
