"""Marked regions: rectangles and polygons, drawn in the admin, numbered on the specimen
page and in its features table, and the library's thumbnails under the filtered light."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from portal.specimens import imaging
from portal.specimens.models import GlossaryTerm, SpecimenFeature, SpecimenImage

pytestmark = pytest.mark.django_db

RECTANGLE = {"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.1, "label": "UV fibres missing"}
POLYGON = {"points": [[0.5, 0.5], [0.9, 0.55], [0.7, 0.9]], "label": "Lifted laminate"}


# --- regions_check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "regions",
    [
        [],
        None,
        [RECTANGLE],
        [POLYGON],
        [RECTANGLE, POLYGON, {**POLYGON, "feature": 7}],
        [{"points": [[0, 0], [1, 0], [1, 1], [0, 1]], "label": ""}],
    ],
)
def test_regions_check_accepts_rectangles_and_polygons(regions):
    imaging.regions_check(regions)


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        ({"x": 0.1}, "list of rectangles or polygons"),
        (["box"], "Region 1 must be an object"),
        ([{"x": 0.1, "y": 0.2, "w": 0.3, "label": "no h"}], "Region 1 needs numbers x, y, w and h"),
        ([RECTANGLE, {**RECTANGLE, "w": 0.95}], "Region 2 must lie inside the image"),
        ([{"points": [[0.1, 0.1], [0.2, 0.2]], "label": "two"}], "Region 1 is a polygon"),
        ([{"points": [[0.1, 0.1], [0.2, 1.2], [0.3, 0.1]]}], "its corners are fractions"),
        ([{"points": [[0.1, 0.1], [0.2], [0.3, 0.1]]}], "pairs of numbers"),
        ([{"points": "0.1,0.1 0.2,0.2 0.3,0.1"}], "from 3 to 200 corners"),
        ([{**POLYGON, "label": "x" * 121}], "120 characters or less"),
        ([{**RECTANGLE, "feature": "uv"}], "names a feature that is not one of"),
        ([{**RECTANGLE, "feature": True}], "names a feature that is not one of"),
    ],
)
def test_regions_check_refuses_bad_regions_with_clear_words(regions, message):
    with pytest.raises(ValidationError) as caught:
        imaging.regions_check(regions)
    assert message in " ".join(caught.value.messages)


# --- the admin widget ------------------------------------------------------------------


def _edit_url(specimen) -> str:
    return f"/admin/snippets/specimens/specimen/edit/{specimen.pk}/"


def _edit_form(specimen, feature, image, regions: str) -> dict:
    data = {
        "title": specimen.title,
        "issuing_country": specimen.issuing_country_id,
        "document_type": specimen.document_type,
        "icao_category": specimen.icao_category,
        "series": "",
        "first_issued": "",
        "validity": "",
        "status": specimen.status,
        "kind": specimen.kind,
        "fraud_type": specimen.fraud_type,
        "genuine_reference": "",
        "detection_points": "",
        "description": "",
        "owner_country": "THA",
        "distribution_level": "country",
        "features": inline_formset(
            [
                {
                    "id": feature.pk,
                    "term": feature.term_id,
                    "zone": feature.zone,
                    "light_source": feature.light_source,
                    "note": feature.note,
                }
            ],
            initial=1,
        ),
        "images": inline_formset(
            [
                {
                    "id": image.pk,
                    "file": "",
                    "light_source": image.light_source,
                    "zone": image.zone,
                    "caption": image.caption,
                    "regions": regions,
                }
            ],
            initial=1,
        ),
        "documents": inline_formset([]),
    }
    return nested_form_data(data)


@pytest.fixture
def specimen_with_image(users, make_specimen, add_image):
    specimen = make_specimen("Counterfeit THA visa", kind="forged", fraud_type="counterfeit")
    feature = SpecimenFeature.objects.create(
        specimen=specimen,
        term=GlossaryTerm.objects.order_by("pk").first(),
        light_source="uv",
        zone="foil",
    )
    image = add_image(specimen, light="uv", regions=[RECTANGLE])
    return specimen, feature, image


def test_edit_page_draws_the_regions_of_a_saved_image(client, users, specimen_with_image):
    specimen, _, image = specimen_with_image
    client.force_login(users["expert.tha"])
    html = client.get(_edit_url(specimen)).content.decode()
    # The editor, its scripts from npm (served locally), and the JSON it starts from.
    assert "data-regions-editor" in html
    assert "vendor/annotorious/annotorious-openseadragon.js" in html
    assert "specimens/regions-editor.js" in html
    textarea = re.search(r'<textarea name="images-0-regions"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea and "UV fibres missing" in textarea.group(1)
    assert f'name="images-0-id" value="{image.pk}"' in html
    # The image comes through the access-checked URL (the script fills in the id).
    assert 'data-image-url="/specimens/images/0/display/"' in html


def test_a_new_image_asks_to_be_saved_before_marking(client, users):
    client.force_login(users["expert.tha"])
    html = client.get("/admin/snippets/specimens/specimen/add/").content.decode()
    assert "Save the image first to mark regions on it." in html


def test_a_polygon_linked_to_a_feature_round_trips(client, users, specimen_with_image):
    specimen, feature, image = specimen_with_image
    client.force_login(users["expert.tha"])
    posted = [RECTANGLE, {**POLYGON, "feature": feature.pk}]
    import json

    response = client.post(
        _edit_url(specimen), _edit_form(specimen, feature, image, json.dumps(posted))
    )
    assert response.status_code == 302, response.context["form"].errors
    image.refresh_from_db()
    assert image.regions == posted
    html = client.get(_edit_url(specimen)).content.decode()
    assert "Lifted laminate" in html and "[[0.5, 0.5], [0.9, 0.55], [0.7, 0.9]]" in html


def test_a_region_may_not_link_another_specimens_feature(
    client, users, specimen_with_image, make_specimen
):
    specimen, feature, image = specimen_with_image
    other = make_specimen("Other")
    foreign = SpecimenFeature.objects.create(specimen=other, term=feature.term)
    client.force_login(users["expert.tha"])
    import json

    bad = json.dumps([{**POLYGON, "feature": foreign.pk}])
    response = client.post(_edit_url(specimen), _edit_form(specimen, feature, image, bad))
    assert response.status_code == 200
    assert "Region 1 is linked to a feature that is not one of this specimen" in (
        response.content.decode()
    )
    image.refresh_from_db()
    assert image.regions == [RECTANGLE]

    broken = json.dumps([{"points": [[0.1, 0.1], [0.2, 0.2]], "label": "two corners"}])
    response = client.post(_edit_url(specimen), _edit_form(specimen, feature, image, broken))
    assert response.status_code == 200
    assert "Region 1 is a polygon: give it from 3 to 200 corners." in response.content.decode()


# --- the specimen page -----------------------------------------------------------------


def test_specimen_page_numbers_regions_and_ties_them_to_features(
    client, users, specimen_with_image, add_image, django_assert_max_num_queries
):
    specimen, feature, image = specimen_with_image
    image.regions = [RECTANGLE, {**POLYGON, "feature": feature.pk}]
    image.save(update_fields=["regions"])
    add_image(specimen, light="visible", regions=[{**RECTANGLE, "label": "Wrong font"}])
    client.force_login(users["officer.tha"])
    with django_assert_max_num_queries(25):
        response = client.get(specimen.get_absolute_url())
    html = response.content.decode()
    entries = re.findall(
        r'data-region-image="(\d+)" data-region-number="(\d+)">.*?Region \d+: </span>([^<]+)',
        html,
        re.S,
    )
    entries = [(image_id, number, label.strip()) for image_id, number, label in entries]
    assert (str(image.pk), "1", "UV fibres missing") in entries
    assert (str(image.pk), "2", "Lifted laminate") in entries
    assert any(number == "1" and label == "Wrong font" for _, number, label in entries)
    # The forgery's table: what gives it away, under its light, with its number.
    assert "What gives it away, as marked on the images" in html
    table = html[html.index('class="table region-table"') :]
    assert re.search(r"Ultraviolet \(UV\).*?region-badge\">1<.*?UV fibres missing", table, re.S)
    assert re.search(r"region-badge\">2<.*?Lifted laminate</td><td>" + feature.term.term, table)
    # The features table lists the region linked to that feature.
    features = html[html.index('id="features-heading"') : html.index('class="table region-table"')]
    assert "Lifted laminate" in features and "UV fibres missing" not in features
    # The viewer gets the numbers and the polygon.
    data = response.context["images"]
    uv = next(item for item in data if item["id"] == image.pk)
    assert [region["number"] for region in uv["regions"]] == [1, 2]
    assert uv["regions"][1]["points"] == POLYGON["points"]
    assert uv["regions"][1]["feature_name"] == feature.term.term


def test_a_feature_id_of_another_specimen_is_not_named(client, users, make_specimen, add_image):
    """Regions saved before the admin checked links (or by the API) never name a feature
    of another specimen on the page."""
    secret = make_specimen("FIN only", owner="FIN")
    term = GlossaryTerm.objects.order_by("pk").last()
    foreign = SpecimenFeature.objects.create(specimen=secret, term=term)
    specimen = make_specimen("THA", distribution={"level": "members"})
    add_image(specimen, regions=[{**RECTANGLE, "feature": foreign.pk}])
    client.force_login(users["officer.tha"])
    response = client.get(specimen.get_absolute_url())
    region = response.context["images"][0]["regions"][0]
    assert region["feature"] is None and region["feature_name"] == ""


# --- the library ----------------------------------------------------------------------


def test_library_filtered_by_uv_shows_uv_thumbnails(client, users, make_specimen, add_image):
    both = make_specimen("Both lights", distribution={"level": "members"})
    visible = add_image(both, light="visible")
    uv = add_image(both, light="uv")
    only_visible = make_specimen("Visible only", distribution={"level": "members"})
    add_image(only_visible, light="visible")
    client.force_login(users["officer.tha"])

    html = client.get("/specimens/").content.decode()
    assert visible.thumbnail_url in html and uv.thumbnail_url not in html

    html = client.get("/specimens/?light_source=uv").content.decode()
    assert uv.thumbnail_url in html and visible.thumbnail_url not in html
    assert "Visible only" not in html  # the filter itself: only specimens with a UV image
    assert 'data-card-light="uv"' in html and "specimen-card__light" in html
    assert SpecimenImage.objects.filter(specimen=both).count() == 2


def test_api_list_filtered_by_uv_gives_uv_thumbnails(client, users, make_specimen, add_image):
    both = make_specimen("Both lights", distribution={"level": "members"})
    visible = add_image(both, light="visible")
    uv = add_image(both, light="uv")
    client.force_login(users["officer.tha"])
    plain = client.get("/api/v1/specimens").json()["results"][0]
    assert plain["thumbnail_url"].endswith(visible.thumbnail_url)
    filtered = client.get("/api/v1/specimens?light_source=uv").json()["results"][0]
    assert filtered["thumbnail_url"].endswith(uv.thumbnail_url)
