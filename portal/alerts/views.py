"""Alert pages: the list, one alert (acknowledge, "seen here too"), the author's reach."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from portal.access import rule
from portal.access.models import Country
from portal.core.widgets import CountryFilter
from portal.specimens.models import DocumentType, SpecimenFeature

from . import selectors, services
from .forms import SubscriptionForm
from .models import AlertBulletin, AlertStatus, AlertSubscription, Receipt, Severity, Tlp

FILTERS = ("severity", "tlp", "issuing_country", "document_type", "unacknowledged")


def _alert(request, pk: int) -> AlertBulletin:
    queryset = AlertBulletin.objects.select_related("issuing_country", "owner_country")
    return rule.get_visible_or_404(user=request.user, queryset=queryset, pk=pk)


@login_required
@require_safe
def alert_list(request):
    filters = {name: request.GET.get(name, "").strip()[:40] for name in FILTERS}
    queryset = selectors.alerts_list(user=request.user, filters=filters)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    acknowledged = set(
        Receipt.objects.filter(
            user=request.user,
            alert__in=[a.pk for a in page.object_list],
            acknowledged_at__isnull=False,
        ).values_list("alert_id", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    country_filter = CountryFilter(
        countries=[(c.code, str(c)) for c in Country.objects.order_by("name")],
        value=filters["issuing_country"],
        user=request.user,
        empty_label=_("Any country"),
        field_id="f-country",
    )
    return render(
        request,
        "alerts/list.html",
        {
            "page": page,
            "filters": filters,
            "country_filter": country_filter,
            "acknowledged": acknowledged,
            "query_string": query.urlencode(),
            "severities": Severity.choices,
            "tlps": Tlp.choices,
            "document_types": DocumentType.choices,
        },
    )


@login_required
@require_safe
def alert_detail(request, pk: int):
    alert = _alert(request, pk)
    receipt = Receipt.objects.filter(alert=alert, user=request.user).first()
    specimens = rule.visible_to(user=request.user, queryset=alert.related_specimens.all())
    can_edit = rule.can_change(request.user, alert)
    in_review = can_edit and alert.status == AlertStatus.IN_REVIEW
    submitter = (
        getattr(alert.current_workflow_state, "requested_by_id", None) if in_review else None
    )
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "figures": selectors.alert_figures(alert=alert, user=request.user),
            "receipt": receipt,
            "specimens": specimens,
            "sighted": alert.sightings.filter(user=request.user).exists(),
            "sighting_countries": sorted(
                set(alert.sightings.values_list("country_code", flat=True))
            ),
            "can_edit": can_edit,
            "can_review": in_review
            and rule.can_review(request.user, alert, submitted_by_id=submitter),
            "unpublished_changes": can_edit and alert.live and alert.has_unpublished_changes,
            "edit_url": reverse("wagtailsnippets_alerts_alertbulletin:edit", args=[alert.pk]),
            "review_required": services.review_required(alert.owner_country_id),
            "versions": alert.versions.select_related("changed_by")[:10] if can_edit else [],
        },
    )


@login_required
@require_POST
def alert_acknowledge(request, pk: int):
    """Acknowledge from the alert's page, the home page's list or a toast; back where
    the officer was (``next``, a path of this site only)."""
    alert = _alert(request, pk)
    services.alert_acknowledge(alert=alert, user=request.user)
    messages.success(request, _("Acknowledged: this alert has left your unread list."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = alert.get_absolute_url()
    return redirect(back)


#: The alert page's workflow buttons: POST value → (service status, message).
MOVES = {
    "publish": (
        AlertStatus.PUBLISHED,
        gettext_lazy("The alert is published and on its way to its readers."),
    ),
    "withdraw": (
        AlertStatus.WITHDRAWN,
        gettext_lazy("The alert is withdrawn; its readers see it marked so."),
    ),
    "return": (AlertStatus.DRAFT, gettext_lazy("The alert is back with its author as a draft.")),
}


@login_required
@require_POST
def alert_workflow(request, pk: int):
    """Publish a draft or send it to review, approve as second expert, send back, withdraw."""
    alert = _alert(request, pk)
    move = MOVES.get(request.POST.get("move", ""))
    if move is None:
        messages.error(request, _("Unknown action."))
        return redirect(alert.get_absolute_url())
    status, done = move
    try:
        alert = services.alert_status_set(alert=alert, user=request.user, status=status)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if alert.status == AlertStatus.IN_REVIEW:
            done = _("Sent for review: a second expert of your country publishes it.")
        messages.success(request, done)
    return redirect(alert.get_absolute_url())


@login_required
@require_POST
def alert_sighting(request, pk: int):
    alert = _alert(request, pk)
    if not alert.is_about_fraud:
        messages.error(request, _("This bulletin reports no forgery: there is nothing to sight."))
        return redirect(alert.get_absolute_url())
    services.sighting_add(alert=alert, user=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Thank you: your country's sighting is recorded."))
    return redirect(alert.get_absolute_url())


@login_required
@require_safe
def alert_reach(request, pk: int):
    """The author's view: per country, delivered, acknowledged and sightings."""
    alert = _alert(request, pk)
    if not rule.can_change(request.user, alert):
        raise PermissionDenied(_("Only experts of the alert's country see its reach."))
    rows = (
        Receipt.objects.filter(alert=alert)
        .values("country_code")
        .annotate(
            delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by("country_code")
    )
    sightings = dict(
        alert.sightings.values("country_code")
        .annotate(n=Count("pk"))
        .values_list("country_code", "n")
    )
    reach = [{**row, "sightings": sightings.pop(row["country_code"], 0)} for row in rows]
    reach += [
        {"country_code": code, "delivered": 0, "acknowledged": 0, "sightings": n}
        for code, n in sightings.items()
    ]
    return render(request, "alerts/reach.html", {"alert": alert, "reach": reach})


@login_required
@require_safe
def alert_card(request, pk: int):
    """A printable one-page quick check card: what to check, where, under which light."""
    alert = _alert(request, pk)
    specimens = rule.visible_to(user=request.user, queryset=alert.related_specimens.all())
    features = (
        SpecimenFeature.objects.filter(specimen__in=specimens.values("pk"))
        .select_related("term")
        .order_by("light_source", "term__term")
    )
    return render(
        request,
        "alerts/card.html",
        {
            "alert": alert,
            "specimens": specimens,
            "features": features,
            "figures": selectors.alert_figures(alert=alert, user=request.user),
            "key_checks": _key_checks(alert.body),
        },
    )


#: The card keeps to one A4 page: at most this many key checks from the body.
KEY_CHECKS_MAX = 6


def _key_checks(body: str) -> list[str]:
    """The body's lines as short checks (list markers and numbers dropped)."""
    checks = []
    for line in body.splitlines():
        text = line.strip().lstrip("-*•·0123456789.) ").strip()
        if text:
            checks.append(text)
    return checks[:KEY_CHECKS_MAX]


@login_required
def alert_subscriptions(request):
    """The officer's e-mail subscriptions."""
    subscription = AlertSubscription.objects.filter(user=request.user).first()
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        form.instance.user = request.user
        form.save()
        messages.success(request, _("Your e-mail subscriptions are saved."))
        return redirect("alerts:subscriptions")
    return render(request, "alerts/subscriptions.html", {"form": form})
