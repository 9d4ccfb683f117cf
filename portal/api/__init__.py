"""The JSON API under /api/v1 (django-ninja): thin routers over services and selectors."""
