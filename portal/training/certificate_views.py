"""Certificates: the holder's PDF (``training:certificate``) and the public verify page
(``certificate-verify``, no sign-in: what a certificate's QR code opens).

The verify page shows exactly what the certificate says — course, level, holder, country,
issue and expiry — and whether it is valid today; nothing else of the holder (no e-mail,
no account). An unknown code is a plain "not found". Anonymous visitors are limited to
``CERTIFICATE_VERIFY_RATE`` look-ups per address (the API's fixed-window counter).
"""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.access import audit
from portal.access.models import AccessRecord
from portal.access.views import hidden_asks_login
from portal.accounts.locale import locale_of, locale_override
from portal.accounts.lockout import client_ip_address
from portal.api.throttling import MemberRateThrottle

from . import selectors
from .certificates import certificate_pdf
from .models import Certificate, CertificateStatus


def certificate_pdf_of(certificate: Certificate) -> bytes:
    """The PDF of ``certificate`` in its holder's language and time zone, pointing at
    the portal's public verify page (``WAGTAILADMIN_BASE_URL``: the address printed on
    paper must be the portal's public one, not whichever host the request used)."""
    verify_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + certificate.get_verify_url()
    networks = ", ".join(
        certificate.course.shared_networks.order_by("name").values_list("name", flat=True)
    )
    with locale_override(user=certificate.user):
        return certificate_pdf(
            holder_name=certificate.holder_name,
            holder_country=certificate.holder_country,
            course_title=certificate.course_title,
            level_label=str(certificate.get_level_display()),
            issued_at=certificate.issued_at,
            expires_at=certificate.expires_at,
            code=certificate.code,
            verify_url=verify_url,
            network_name=networks,
        )


@never_cache
@hidden_asks_login
@require_safe
def certificate_download(request, pk: int):
    """The holder's certificate as a PDF download; anyone else a 404 (logged)."""
    try:
        certificate = selectors.certificate_get_own_or_404(user=request.user, pk=pk)
    except Http404:
        audit.item_denied(
            user=request.user, model=Certificate, object_id=pk, channel=AccessRecord.Channel.FILE
        )
        raise
    certificate = Certificate.objects.select_related("user", "course").get(pk=certificate.pk)
    audit.record_read(
        user=request.user,
        record=certificate,
        detail=f"certificate {certificate.pk} pdf",
        channel=AccessRecord.Channel.FILE,
    )
    response = HttpResponse(certificate_pdf_of(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Cookie, Authorization"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class VerifyThrottle(MemberRateThrottle):
    """Look-ups of the verify page per client address (as the sign-in throttle sees it:
    behind nginx, the right-most trusted ``X-Forwarded-For`` entry) and fixed window."""

    def _ident(self, request) -> str:
        return f"address:{client_ip_address(request) or ''}"


verify_throttle = VerifyThrottle(
    "certificate-verify", setting="CERTIFICATE_VERIFY_RATE", default="60/minute"
)


@never_cache
@require_safe
def certificate_verify(request, code: str):
    """What a certificate says and whether it is valid today; unknown codes a 404."""
    if not verify_throttle.allow_request(request):
        response = render(request, "training/certificate_verify_throttled.html", status=429)
        response["Retry-After"] = str(verify_throttle.wait() or 60)
        return response
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return render(request, "training/certificate_not_found.html", status=404)
    # The dates as the certificate prints them: the days in its holder's time zone.
    zone = zoneinfo.ZoneInfo(locale_of(user=certificate.user).time_zone)
    now = timezone.now()
    status = certificate.status(now)
    return render(
        request,
        "training/certificate_verify.html",
        {
            "certificate": certificate,
            "level": certificate.get_level_display(),
            "issued": timezone.localtime(certificate.issued_at, zone).date(),
            "expires": timezone.localtime(certificate.expires_at, zone).date(),
            "replaced": (
                timezone.localtime(certificate.superseded_at, zone).date()
                if certificate.superseded_at
                else None
            ),
            "valid": status == CertificateStatus.VALID,
            "expired": status == CertificateStatus.EXPIRED,
        },
    )
