"""A lesson's video: uploaded for a course in the admin by its editors only, chosen among
videos of courses the editor may change, played with the browser's controls and a
transcript, and shown only to viewers who may see the video's course."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from portal.training.blocks import LessonBlocks, VideoBlock
from portal.training.models import TrainingVideo
from tests.media.video_bytes import mp4_bytes, video_make, webm_bytes

from .conftest import course_make, lesson_make

pytestmark = pytest.mark.django_db

VIDEOS = "/admin/snippets/training/trainingvideo/"
ANDEX = {"level": "networks", "networks": ["andex"]}


def _render(lesson, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return lesson.body.render_as_block(context={"request": request})


def test_a_video_plays_in_the_lesson_with_its_caption_and_transcript(users):
    course = course_make(distribution=ANDEX)
    video = video_make(course, data=webm_bytes(), caption="Lifting a laminate")
    lesson = lesson_make(course)
    lesson.body = LessonBlocks().to_python(
        [
            {
                "type": "video",
                "value": {
                    "video": video.pk,
                    "caption": "",
                    "transcript": "A blade lifts the corner.\nThe glue strings show.",
                },
            }
        ]
    )
    lesson.save()
    lesson.refresh_from_db()
    html = _render(lesson, users["officer.vnm"])
    assert '<video class="lesson-video__player" controls preload="metadata"' in html
    assert f'<source src="/files/training-videos/{video.pk}/" type="video/webm">' in html
    assert "Lifting a laminate" in html  # the video's own caption stands in
    assert "<p>A blade lifts the corner.<br>The glue strings show.</p>" in html
    assert f'aria-describedby="lesson-video-{video.pk}-transcript"' in html
    # The URL in the page plays for that viewer.
    from django.test import Client

    client = Client()
    client.force_login(users["officer.vnm"])
    assert client.get(video.url, HTTP_RANGE="bytes=0-1").status_code == 206
    # The lesson page plays it, with the transcript folded below.
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert f'<source src="{video.url}" type="video/webm">' in page
    assert "<summary>Transcript</summary>" in page


def test_a_video_of_a_course_the_viewer_may_not_see_shows_nothing(users):
    """An editor may choose a video of another of their courses, shared more narrowly:
    a viewer of the lesson who may not see that course gets nothing of it."""
    lesson_course = course_make(distribution=ANDEX, title="Shared with andex")
    narrow = course_make(distribution={"level": "country"}, title="PHL only")
    video = video_make(narrow, caption="PHL-only footage")
    lesson = lesson_make(lesson_course)
    lesson.body = LessonBlocks().to_python(
        [{"type": "video", "value": {"video": video.pk, "transcript": "Secret transcript"}}]
    )
    lesson.save()
    lesson.refresh_from_db()
    for username, shown in [("trainer.phl", True), ("officer.vnm", False), ("officer.tha", False)]:
        html = _render(lesson, users[username])
        assert ("PHL-only footage" in html) is shown, username
        assert ("Secret transcript" in html) is shown, username
        assert (video.url in html) is shown, username


def test_the_transcript_is_required():
    block = VideoBlock()
    course = course_make()
    video = video_make(course)
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"video": video.pk, "caption": "", "transcript": ""}))
    assert block.clean(block.to_python({"video": video.pk, "transcript": "Shown and said"}))


def test_videos_are_uploaded_only_to_courses_the_user_may_change(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mine = course_make(owner="PHL", title="PHL course")
    theirs = course_make(owner="THA", title="THA course shared", distribution={"level": "members"})
    client.force_login(users["trainer.phl"])
    page = client.get(VIDEOS + "add/").content.decode()
    assert "PHL course" in page and "THA course shared" not in page
    for course, stored in [(theirs, False), (mine, True)]:
        upload = SimpleUploadedFile("clip.mov", mp4_bytes(), content_type="video/quicktime")
        client.post(VIDEOS + "add/", {"course": course.pk, "file": upload, "caption": "Clip"})
        assert TrainingVideo.objects.filter(course=course).exists() is stored
    video = TrainingVideo.objects.get()
    assert video.file.name.endswith(".mp4")  # named by its content, not the upload
    edit = client.get(f"{VIDEOS}edit/{video.pk}/").content.decode()
    # The admin links the file through the rule-checked view, never a storage URL.
    assert f'href="{video.url}"' in edit and "/media/" + video.file.name not in edit

    # An expert of another country meets none of it, not even in the chooser.
    client.force_login(users["expert.tha"])
    for url in (f"{VIDEOS}edit/{video.pk}/", f"{VIDEOS}delete/{video.pk}/"):
        assert client.get(url).status_code == 404, url
    listing = client.get(VIDEOS)
    assert listing.status_code == 200 and "Clip" not in listing.content.decode()
    chooser = "/admin/snippets/choose/training/trainingvideo/"
    choices = client.get(chooser)
    assert choices.status_code == 200 and "Clip" not in choices.content.decode()
    assert client.get(f"{chooser}chosen/{video.pk}/").status_code == 404
    client.force_login(users["trainer.phl"])
    assert "Clip" in client.get(chooser).content.decode()
    assert client.get(f"{chooser}chosen/{video.pk}/").status_code == 200
    # Officers have no training admin at all.
    client.force_login(users["officer.vnm"])
    assert client.get(VIDEOS + "add/").status_code in {302, 403}
