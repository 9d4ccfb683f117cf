"""Large renditions are made off the request path: by a background task, with a smaller
rendition standing in until it exists (and at once where tasks run immediately)."""

from __future__ import annotations

import io

import pytest
from django_tasks import default_task_backend
from PIL import Image

from portal.media import tasks

from .conftest import picture

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _size(response) -> tuple[int, int]:
    return Image.open(io.BytesIO(b"".join(response.streaming_content))).size


@pytest.fixture
def large_image(users, make_specimen, add_image):
    specimen = make_specimen("THA passport")
    return add_image(specimen, data=picture(size=(2400, 1600), seed=7))


def test_where_tasks_run_at_once_the_zoom_is_made_for_the_first_request(client, users, large_image):
    client.force_login(users["officer.tha"])
    response = client.get(large_image.url("zoom"))
    assert response.status_code == 200
    assert _size(response) == (2400, 1600)
    assert "max-age=600" in response["Cache-Control"]
    assert "X-Rendition-Pending" not in response
    assert list(large_image.renditions.values_list("name", flat=True)) == ["zoom"]


def test_with_a_worker_the_display_size_stands_in_until_the_task_has_run(
    client, users, large_image, settings
):
    settings.TASKS = DUMMY
    client.force_login(users["officer.tha"])
    first = client.get(large_image.url("zoom"))
    assert first.status_code == 200
    assert _size(first) == (1600, 1067)  # the display rendition
    assert first["X-Rendition-Pending"] == "zoom"
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    # A second viewer before the worker ran: no second task.
    client.get(large_image.url("zoom"))
    [queued] = default_task_backend.results
    assert queued.task.func is tasks.rendition_make.func
    assert queued.kwargs == {
        "model": "specimens.specimenimage",
        "pk": large_image.pk,
        "name": "zoom",
    }
    assert not large_image.renditions.filter(name="zoom").exists()

    # The worker runs it (plain arguments: it loads the image itself).
    queued.task.call(*queued.args, **queued.kwargs)
    after = client.get(large_image.url("zoom"))
    assert _size(after) == (2400, 1600)
    assert "X-Rendition-Pending" not in after
    assert "max-age=600" in after["Cache-Control"]


def test_small_renditions_never_wait_for_a_worker(client, users, large_image, settings):
    settings.TASKS = DUMMY
    client.force_login(users["officer.tha"])
    for name, expected in (("thumbnail", (480, 320)), ("display", (1600, 1067))):
        response = client.get(large_image.url(name))
        assert _size(response) == expected
        assert "X-Rendition-Pending" not in response
    assert default_task_backend.results == []


def test_the_task_of_a_deleted_image_does_nothing(large_image):
    pk = large_image.pk
    large_image.delete()
    tasks.rendition_make.call(model="specimens.specimenimage", pk=pk, name="zoom")


def test_an_invisible_image_queues_no_task(client, users, large_image, settings):
    settings.TASKS = DUMMY
    client.force_login(users["officer.fin"])
    assert client.get(large_image.url("zoom")).status_code == 404
    assert default_task_backend.results == []
