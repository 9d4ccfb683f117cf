"""One date and time format for every language of the portal (``FORMAT_MODULE_PATH``).

Django's locales each bring their own formats ("26 พฤศจิกายน 2026 17:18", "26.11.2026
klo 17.18", "Nov. 26, 2026, 5:18 p.m."), and a locale's format wins over the settings.
A network that reads each other's alerts across ten languages needs one shape: each
language package here re-exports ``common``, so the month's name is translated and
nothing else changes. The template filter ``local_datetime`` (portal_time) names the zone
on the portal's pages and e-mails; the admin, where Django formats alone are used,
names it by its offset ("26 Nov 2026, 17:18 (UTC+0700)").
"""
