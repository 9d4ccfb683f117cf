"""Alert images: uploaded with the alert (its rule) or picked from its related specimens
(the specimen's rule), shown forgery beside genuine on the bulletin, the card and the API;
admin uploads on a live alert stay with the draft; the sighting button fits the kind."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Network
from portal.alerts import services
from portal.alerts.models import AlertBulletin, AlertImage, AlertSpecimenImage, Sighting
from portal.media.storage import private_storage
from portal.specimens.models import Specimen
from portal.specimens.services import image_store
from tests.specimens.conftest import picture

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}
RECT = {"x": 0.35, "y": 0.2, "w": 0.6, "h": 0.5, "label": "No UV fibres"}
POLYGON = {"points": [[0.1, 0.1], [0.3, 0.1], [0.2, 0.3]], "label": "Paper glows"}


@pytest.fixture(autouse=True)
def english(users):
    """Pages in English whatever the reader's country (the assertions read the words)."""
    from portal.access.models import Country

    Country.objects.update(default_language="")


def _alert(users, **fields):
    return services.alert_create(
        author=users["expert.tha"],
        distribution=fields.pop("distribution", ANDEX),
        title=fields.pop("title", "Counterfeit THA visa foils"),
        summary="No UV fibres.",
        body=fields.pop("body", "- Look for fibres under UV\n- Check the paper glow"),
        severity=fields.pop("severity", "critical"),
        tlp=fields.pop("tlp", "amber"),
        issuing_country="THA",
        document_type="visa",
        **fields,
    )


def _image(alert, *, role="forgery", light="uv", regions=(), order=0, colour=(40, 20, 120)):
    image = AlertImage(
        alert=alert, role=role, light_source=light, regions=list(regions), sort_order=order
    )
    image.prepared_store(image.prepare_upload(io.BytesIO(picture(colour=colour, seed=order))))
    image.save()
    return image


def _specimen(title, level="members", light="visible"):
    specimen = Specimen.objects.create(
        title=title, owner_country_id="THA", issuing_country_id="THA", document_type="visa"
    )
    distribution_apply(item=specimen, distribution=Distribution.from_data({"level": level}))
    image = image_store(
        specimen=specimen, file=io.BytesIO(picture(seed=7)), light_source=light, regions=[RECT]
    )
    return specimen, image


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_alert_image_is_served_after_the_alert_rule(client, users):
    alert = _alert(users)
    image = _image(alert, regions=[RECT])
    for size in ("original", "display", "thumbnail"):
        url = image.private_url(size)
        assert url == f"/files/alert-images/{image.pk}/{size}/"
        client.force_login(users["officer.vnm"])  # andex
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        Image.open(io.BytesIO(_bytes(response))).verify()
        client.force_login(users["officer.fin"])  # not andex
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(image.private_url()).status_code == 302


def test_the_bulletin_puts_the_forgery_beside_the_genuine_under_the_telling_light(
    client, users, django_assert_max_num_queries
):
    alert = _alert(users)
    _image(alert, role="genuine", light="visible", order=0, colour=(200, 180, 150))
    forgery = _image(alert, role="forgery", light="uv", regions=[RECT, POLYGON], order=1)
    genuine_uv = _image(alert, role="genuine", light="uv", order=2, regions=[RECT])
    client.force_login(users["officer.vnm"])
    with django_assert_max_num_queries(40):
        html = client.get(alert.get_absolute_url()).content.decode()
    compare = html[html.index('class="alert-compare') : html.index('class="alert-figures')]
    # Forgery first, then the genuine under the same (UV) light, not the visible one.
    assert compare.index(forgery.private_url("display")) < compare.index(
        genuine_uv.private_url("display")
    )
    assert "Forgery beside genuine, under Ultraviolet (UV)" in html
    # Regions numbered across the pair: 1 and 2 on the forgery (rectangle and polygon), 3.
    assert "<rect " in compare and "<polygon points=" in compare
    assert 'points="10.00,10.00 30.00,10.00 20.00,30.00"' in compare
    for number, label in ((1, "No UV fibres"), (2, "Paper glows"), (3, "No UV fibres")):
        assert f'<li value="{number}">' in compare
        assert label in compare
    # The third image (genuine, visible light) follows the pair.
    assert "alert-figures" in html


def test_a_picked_specimen_image_follows_the_specimen_rule(client, users):
    alert = _alert(users, distribution={"level": "members"})
    shared, shared_image = _specimen("Members' genuine foil", level="members")
    narrow, narrow_image = _specimen("THA-only genuine foil", level="country", light="uv")
    alert.related_specimens.set([shared, narrow])
    AlertSpecimenImage.objects.create(alert=alert, specimen_image=narrow_image, role="genuine")
    AlertSpecimenImage.objects.create(
        alert=alert, specimen_image=shared_image, role="detail", sort_order=1
    )
    _image(alert, role="forgery", light="uv")

    client.force_login(users["officer.vnm"])
    html = client.get(alert.get_absolute_url()).content.decode()
    assert "Image not shared with your country" in html
    assert narrow_image.url("display") not in html and "THA-only genuine foil" not in html
    assert shared_image.url("display") in html
    assert client.get(narrow_image.url("display")).status_code == 404
    data = client.get(f"/api/v1/alerts/{alert.pk}").json()
    hidden = [row for row in data["images"] if not row["shared"]]
    assert hidden == [
        {
            "role": "genuine",
            "light_source": "",
            "caption": "",
            "regions": [],
            "shared": False,
            "source": "specimen",
            "specimen": None,
            "url": None,
            "thumbnail_url": None,
            "display_url": None,
            "zoom_url": None,
        }
    ]
    # No copy: the alert holds no file of the specimen's.
    assert not AlertImage.objects.filter(file=narrow_image.file.name).exists()

    client.force_login(users["officer.tha"])  # the specimen's own country
    html = client.get(alert.get_absolute_url()).content.decode()
    assert narrow_image.url("display") in html
    assert "Image not shared with your country" not in html
    # Forgery beside the THA-only genuine (same UV light) for this reader.
    assert "Forgery beside genuine, under Ultraviolet (UV)" in html


def test_the_api_lists_images_with_urls_that_work_with_the_token(client, users):
    from portal.accounts.services import api_token_issue

    alert = _alert(users)
    image = _image(alert, regions=[RECT])
    _, token = api_token_issue(user=users["officer.vnm"], name="border system")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = client.get(f"/api/v1/alerts/{alert.pk}", **auth).json()
    assert [row["url"] for row in data["images"]] == [image.private_url()]
    row = data["images"][0]
    assert row["role"] == "forgery" and row["light_source"] == "uv" and row["regions"] == [RECT]
    for key in ("url", "thumbnail_url", "display_url", "zoom_url"):
        response = client.get(row[key], **auth)
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("image/")
    _, other = api_token_issue(user=users["officer.fin"], name="other")
    assert client.get(row["url"], HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    # The list stays as it was (no images there: its cost does not grow with them).
    listed = client.get("/api/v1/alerts", **auth).json()["results"]
    assert "images" not in listed[0]


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def _edit_form(alert, **overrides) -> dict:
    return {
        "title": alert.title,
        "summary": alert.summary,
        "body": alert.body,
        "severity": alert.severity,
        "tlp": alert.tlp,
        "valid_until": "",
        "issuing_country": "THA",
        "document_type": "visa",
        "fraud_type": "counterfeit",
        "owner_country": "THA",
        "distribution_level": "networks",
        "shared_networks": [Network.objects.get(slug="andex").pk],
        **_management("images"),
        **_management("specimen_images"),
        **overrides,
    }


def _upload() -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 320), (40, 20, 120))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def test_an_upload_to_a_live_alert_stays_with_the_draft_until_published(client, users):
    alert = _alert(users)
    url = f"/admin/snippets/alerts/alertbulletin/edit/{alert.pk}/"
    client.force_login(users["expert.tha"])
    form = _edit_form(
        alert,
        **_management("images", total=1),
        **{
            "images-0-file": _upload(),
            "images-0-role": "forgery",
            "images-0-light_source": "uv",
            "images-0-caption": "Seized foil",
            "images-0-regions": '[{"x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2, "label": "Here"}]',
            "images-0-ORDER": 1,
            "images-0-id": "",
        },
    )
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    # A draft: readers (the row) have no image yet; the revision holds a stored, clean file.
    assert not AlertImage.objects.filter(alert=alert).exists()
    alert.refresh_from_db()
    draft = alert.latest_revision.content["images"]
    assert len(draft) == 1 and draft[0]["caption"] == "Seized foil"
    stored = draft[0]["file"]
    assert stored.startswith("alerts/originals/") and "photo" not in stored
    assert private_storage().exists(stored)
    with private_storage().open(stored) as handle:
        assert b"CameraMaker" not in handle.read()
    # The edit page shows the draft's image; posted back as the browser does (the row
    # has no id yet, no new file), publishing the draft writes the row with that file.
    assert "Seized foil" in client.get(url).content.decode()
    form.pop("images-0-file")
    form.update(_management("images", total=1, initial=1))
    response = client.post(url, {**form, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    image = AlertImage.objects.get(alert=alert)
    assert image.caption == "Seized foil" and image.width == 480 and image.file.name == stored
    client.force_login(users["officer.vnm"])
    assert client.get(image.private_url("display")).status_code == 200


def test_the_admin_offers_only_specimen_images_the_expert_may_see(client, users):
    alert = AlertBulletin.objects.create(
        title="PHL alert", summary="s", owner_country_id="PHL", status="draft"
    )
    _hidden, hidden_image = _specimen("THA-only foil", level="country")
    shown, shown_image = _specimen("Members' foil", level="members")
    _unrelated, unrelated_image = _specimen("Unrelated members' foil", level="members")
    alert.related_specimens.set([shown])
    url = f"/admin/snippets/alerts/alertbulletin/edit/{alert.pk}/"
    client.force_login(users["chair.andex"])  # PHL
    html = client.get(url).content.decode()
    assert "Members&#x27; foil" in html or "Members' foil" in html
    assert "THA-only foil" not in html

    def post(image):
        data = {
            "title": "PHL alert",
            "summary": "s",
            "body": "",
            "severity": "high",
            "tlp": "amber",
            "distribution_level": "members",
            "related_specimens": [shown.pk],
            **_management("images"),
            **_management("specimen_images", total=1),
            "specimen_images-0-specimen_image": image.pk,
            "specimen_images-0-role": "genuine",
            "specimen_images-0-caption": "",
            "specimen_images-0-ORDER": 1,
            "specimen_images-0-id": "",
        }
        return client.post(url, data)

    response = post(hidden_image)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = post(unrelated_image)
    assert response.status_code == 200
    assert "one of the alert&#x27;s related specimens" in response.content.decode()
    assert not AlertSpecimenImage.objects.exists()
    response = post(shown_image)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AlertSpecimenImage.objects.get(alert=alert).specimen_image == shown_image


def test_only_an_alert_about_a_forgery_offers_the_sighting(client, users):
    forgery = _alert(users, fraud_type="counterfeit")
    design = _alert(users, title="New THA visa foil design", severity="info", body="")
    client.force_login(users["officer.vnm"])
    assert "We met this forgery too" in client.get(forgery.get_absolute_url()).content.decode()
    html = client.get(design.get_absolute_url()).content.decode()
    assert "We met this forgery too" not in html and "Seen here too" not in html
    client.post(f"/alerts/{design.pk}/sighting/", {"note": ""})
    assert not Sighting.objects.filter(alert=design).exists()
    client.post(f"/alerts/{forgery.pk}/sighting/", {"note": ""})
    assert Sighting.objects.filter(alert=forgery).exists()


def test_the_quick_check_card_carries_the_pair_and_the_key_checks(client, users):
    alert = _alert(users, fraud_type="counterfeit")
    forgery = _image(alert, role="forgery", light="uv", regions=[RECT])
    genuine = _image(alert, role="genuine", light="uv", order=1)
    client.force_login(users["officer.vnm"])
    html = client.get(f"/alerts/{alert.pk}/card/").content.decode()
    assert "TLP:AMBER" in html and "Thailand" in html and "Visa" in html
    assert forgery.private_url("display") in html and genuine.private_url("display") in html
    assert html.index(forgery.private_url("display")) < html.index(genuine.private_url("display"))
    assert '<li value="1">' in html and "No UV fibres" in html
    checks = html[html.index('class="quick-card__checks"') :]
    assert "<li>Look for fibres under UV</li>" in checks
    assert "<li>Check the paper glow</li>" in checks


def test_the_demo_gives_the_visa_foil_alert_its_pair_once(users):
    from portal.demo.alert_images import ALERT_TITLE, GENUINE_TITLE, demo_alert_images_load

    alert = _alert(users, title=ALERT_TITLE)
    genuine, genuine_image = _specimen(GENUINE_TITLE, level="members", light="uv")
    demo_alert_images_load()
    demo_alert_images_load()
    image = AlertImage.objects.get(alert=alert)
    assert image.role == "forgery" and image.light_source == "uv" and image.regions
    picked = AlertSpecimenImage.objects.get(alert=alert)
    assert picked.specimen_image == genuine_image and picked.role == "genuine"
    assert genuine in alert.related_specimens.all()
    # The live revision holds them, so the next publication from the admin keeps them.
    alert.refresh_from_db()
    assert len(alert.latest_revision.content["images"]) == 1
    assert len(alert.latest_revision.content["specimen_images"]) == 1


def test_the_revision_compare_names_no_specimen_hidden_from_the_editor(client, users):
    alert = AlertBulletin.objects.create(
        title="PHL alert", summary="s", owner_country_id="PHL", status="draft"
    )
    hidden, hidden_image = _specimen("THA-only foil", level="country")
    alert.related_specimens.set([hidden])
    alert.save_revision(user=users["expert.tha"])
    AlertSpecimenImage.objects.create(alert=alert, specimen_image=hidden_image, role="genuine")
    alert = AlertBulletin.objects.get(pk=alert.pk)
    alert.save_revision(user=users["expert.tha"])
    client.force_login(users["chair.andex"])  # PHL: may edit the alert, not see the specimen
    url = (
        f"/admin/snippets/alerts/alertbulletin/history/{alert.pk}"
        "/revisions/compare/earliest...latest/"
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "THA-only foil" not in response.content.decode()


def test_a_replaced_image_of_a_live_alert_leaves_no_stale_rendition(client, users):
    alert = _alert(users)
    image = _image(alert, role="forgery", light="uv")
    client.force_login(users["officer.vnm"])
    before = _bytes(client.get(image.private_url("display")))
    url = f"/admin/snippets/alerts/alertbulletin/edit/{alert.pk}/"
    client.force_login(users["expert.tha"])
    form = _edit_form(
        alert,
        **_management("images", total=1, initial=1),
        **{
            "images-0-file": _upload(),
            "images-0-role": "forgery",
            "images-0-light_source": "uv",
            "images-0-caption": "Redacted",
            "images-0-regions": "[]",
            "images-0-ORDER": 1,
            "images-0-id": image.pk,
        },
    )
    response = client.post(url, {**form, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:3000]
    image.refresh_from_db()
    assert image.caption == "Redacted" and image.width == 480
    client.force_login(users["officer.vnm"])
    after = _bytes(client.get(image.private_url("display")))
    assert after != before
    assert Image.open(io.BytesIO(after)).size[0] <= 480


def test_the_alert_admin_draws_regions_on_its_own_images(client, users):
    """An alert's own image gets the same drawing editor as a specimen's, loading the
    picture through the alert's access-checked file view."""
    alert = _alert(users)
    image = _image(alert, role="forgery", light="uv", regions=[RECT])
    client.force_login(users["expert.tha"])
    html = client.get(f"/admin/snippets/alerts/alertbulletin/edit/{alert.pk}/").content.decode()
    assert "data-regions-editor" in html
    assert 'data-image-url="/files/alert-images/0/display/"' in html
    assert "regions-editor.js" in html
    assert client.get(f"/files/alert-images/{image.pk}/display/").status_code == 200
    client.force_login(users["officer.fin"])  # rnde-europe: the alert is andex's
    assert client.get(f"/files/alert-images/{image.pk}/display/").status_code == 404
