"""Signing in: the login page, sign-out, and API tokens."""
