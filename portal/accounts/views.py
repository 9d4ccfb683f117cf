"""The account page: who I am, my API tokens (list, create, revoke), my password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.access import rule

from . import services


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        help_text="e.g. 'Laptop scripts' — so that you recognise it in the list.",
    )


@login_required
def account(request):
    """The signed-in user's account: country, networks, roles, tokens, password."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = services.api_token_issue(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
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
            "form": form,
            "new_token": new_token,
            "tokens": tokens,
            "networks": rule.user_networks(request.user),
            "lifetime_days": services.api_token_lifetime().days,
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    """Revoke one of the user's own tokens: it stops working everywhere at once."""
    row = services.api_token_revoke(user=request.user, token_id=pk)
    if row is None:
        raise Http404("You have no such token.")
    messages.success(request, f"Token “{row.name}” ({row.prefix}…) revoked: it no longer works.")
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password; it revokes every API token of the account (``signal_handlers``)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Password changed. Your other sessions are signed out and your API tokens "
            "revoked: get new ones below where you need them.",
        )
        return response
