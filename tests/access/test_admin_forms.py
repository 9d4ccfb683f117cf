"""Admin form fields that name shared items: choices offered, values accepted, labels
rendered — and nothing an editor may not see is lost when they save.

The matrix (probe admin-form-choices) checks what is offered and rendered for every type
and user; these tests check what a complete form accepts and keeps, and that every admin
form of every registered model restricts such fields, so a new form cannot forget.
"""

from __future__ import annotations

import pytest
from wagtail.snippets.models import get_snippet_models

from portal.access import rule
from portal.access.admin_forms import HIDDEN_LABEL, names_shared_items
from portal.access.distribution import Distribution, distribution_apply
from portal.alerts.models import AlertBulletin
from portal.specimens.models import Specimen

pytestmark = pytest.mark.django_db

ALERT_ADD = "/admin/snippets/alerts/alertbulletin/add/"


def _specimen(title, owner="THA", level="country", **fields):
    specimen = Specimen.objects.create(
        title=title,
        owner_country_id=owner,
        issuing_country_id=owner,
        document_type="passport",
        **fields,
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": level}))
    return specimen


def _alert_form(**fields) -> dict:
    data = {
        "title": "Counterfeit PHL visa foil",
        "summary": "No UV fibres.",
        "body": "",
        "severity": "high",
        "tlp": "amber",
        "distribution_level": "members",
        # The alert's inline panels of images (none here).
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
        "specimen_images-TOTAL_FORMS": 0,
        "specimen_images-INITIAL_FORMS": 0,
        "specimen_images-MIN_NUM_FORMS": 0,
        "specimen_images-MAX_NUM_FORMS": 1000,
    }
    data.update(fields)
    return data


def test_an_invisible_item_is_not_an_accepted_value(client, users):
    hidden = _specimen("THA-only reference")
    shown = _specimen("Shared reference", level="members")
    client.force_login(users["chair.andex"])
    response = client.post(ALERT_ADD, _alert_form(related_specimens=[hidden.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html and "THA-only reference" not in html
    assert not AlertBulletin.objects.exists()
    response = client.post(ALERT_ADD, _alert_form(related_specimens=[shown.pk]))
    assert response.status_code == 302
    assert list(AlertBulletin.objects.get().related_specimens.all()) == [shown]


def test_a_reference_the_editor_may_not_see_is_kept_and_never_named(client, users):
    """chair.andex (PHL) wrote a forgery of a THA genuine specimen shared with members;
    THA then narrowed it to THA only. Editing the forgery neither names nor drops it."""
    genuine = _specimen("THA genuine 2019", level="members")
    forgery = _specimen(
        "PHL forgery of the 2019 series",
        owner="PHL",
        kind="forged",
        fraud_type="counterfeit",
        genuine_reference=genuine,
    )
    distribution_apply(item=genuine, distribution=Distribution.from_data({"level": "country"}))
    editor = users["chair.andex"]
    assert not rule.can_view(editor, genuine)
    client.force_login(editor)
    url = f"/admin/snippets/specimens/specimen/edit/{forgery.pk}/"
    page = client.get(url).content.decode()
    assert "THA genuine 2019" not in page
    assert str(HIDDEN_LABEL) in page
    data = {
        "title": "PHL forgery of the 2019 series (corrected)",
        "issuing_country": "PHL",
        "document_type": "passport",
        "icao_category": forgery.icao_category,
        "status": forgery.status,
        "kind": "forged",
        "fraud_type": "counterfeit",
        "genuine_reference": genuine.pk,  # what the page's hidden input carries back
        "distribution_level": "country",
        "features-TOTAL_FORMS": 0,
        "features-INITIAL_FORMS": 0,
        "features-MIN_NUM_FORMS": 0,
        "features-MAX_NUM_FORMS": 1000,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "images-MIN_NUM_FORMS": 0,
        "images-MAX_NUM_FORMS": 1000,
        "documents-TOTAL_FORMS": 0,
        "documents-INITIAL_FORMS": 0,
        "documents-MIN_NUM_FORMS": 0,
        "documents-MAX_NUM_FORMS": 1000,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    forgery.refresh_from_db()
    assert forgery.title.endswith("(corrected)")
    assert forgery.genuine_reference_id == genuine.pk
    # Another hidden specimen is still refused in its place.
    other = _specimen("Another THA-only genuine")
    response = client.post(url, {**data, "genuine_reference": other.pk})
    assert response.status_code == 200
    assert "Another THA-only genuine" not in response.content.decode()
    forgery.refresh_from_db()
    assert forgery.genuine_reference_id == genuine.pk


def test_related_specimens_the_editor_may_not_see_are_kept(client, users):
    hidden = _specimen("THA-only specimen")
    shown = _specimen("Members specimen", level="members")
    alert = AlertBulletin.objects.create(
        title="PHL alert", summary="s", owner_country_id="PHL", status="draft"
    )
    alert.related_specimens.set([hidden, shown])
    client.force_login(users["chair.andex"])
    url = f"/admin/snippets/alerts/alertbulletin/edit/{alert.pk}/"
    page = client.get(url).content.decode()
    assert "THA-only specimen" not in page and str(HIDDEN_LABEL) in page
    assert "Members specimen" in page
    # The browser posts back what is selected: the visible one and the placeholder.
    response = client.post(
        url,
        _alert_form(title="PHL alert, edited", related_specimens=[shown.pk, hidden.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(alert.related_specimens.all()) == {hidden, shown}


def _forms_for(user):
    """Every admin form of every snippet type, as ``user`` gets it, with its inline forms."""
    for model in get_snippet_models():
        form_class = model.snippet_viewset.get_form_class(for_update=False)
        form = form_class(for_user=user, instance=model())
        yield model, form
        for formset in getattr(form, "formsets", {}).values():
            for child in (formset.empty_form, *formset.forms):
                yield model, child


@pytest.mark.parametrize("username", ["trainer.phl", "chair.andex", "expert.tha"])
def test_every_admin_form_field_naming_shared_items_follows_the_rule(users, username):
    """Whatever model a form belongs to, a field choosing shared items offers exactly what
    the rule lets the user see (a new form that forgets fails here)."""
    _specimen("THA-only", level="country")
    _specimen("For members", level="members")
    user = users[username]
    checked = 0
    for model, form in _forms_for(user):
        for name, field in form.fields.items():
            if not names_shared_items(field):
                continue
            checked += 1
            target = field.queryset.model
            visible = set(rule.visible_to(user=user, queryset=target.objects.all()))
            offered = {choice.instance for choice, _ in field.choices if choice}
            assert offered <= visible, (model.__name__, name, offered - visible)
            assert set(field.queryset) <= visible, (model.__name__, name)
    assert checked >= 2  # the alert's related specimens, the forgery's genuine reference
