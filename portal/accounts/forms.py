from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """The sign-in form, with the attributes browsers and screen readers need."""

    username = forms.CharField(
        label="Username",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "That username and password do not match an account. "
        "Check them and try again; passwords are case-sensitive.",
        "inactive": "This account has been deactivated. Ask your country's administrator.",
    }
