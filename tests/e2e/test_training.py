"""officer.vnm takes a quiz of a course shared with andex — one hotspot by clicking, one by
keyboard only —, passes, downloads the certificate; officer.fin gets the 404 page."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from portal.training.models import Attempt, Certificate, Question, TrainingImage
from tests.e2e.test_pages_audit import _audit
from tests.training.conftest import course_make, picture, question_choice, quiz_make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANDEX = {"level": "networks", "networks": ["andex"]}
CLICK_ZONE = {"x": 0.1, "y": 0.1, "w": 0.3, "h": 0.3, "label": "Lifted corner"}
#: The crosshair starts in the middle; Shift+Right and Shift+Down (10 % each) land inside.
KEYBOARD_ZONE = {"x": 0.55, "y": 0.55, "w": 0.1, "h": 0.1, "label": "Bubble"}


def _image(course, colour):
    image = TrainingImage(course=course, caption="Laminate")
    image.file.save("upload.png", ContentFile(picture(size=(900, 600), colour=colour)), save=False)
    image.save()
    return image


def _course():
    course = course_make(title="Laminate checks", distribution=ANDEX, validity_months=24)
    quiz = quiz_make(course, title="Find the lifted laminate", pass_mark=100)
    question_choice(quiz, prompt="Which light shows the UV fibres?", right="UV", wrong="IR")
    for prompt, zone, colour in (
        ("Click the lifted corner", CLICK_ZONE, (200, 180, 150)),
        ("Point at the bubble under the laminate", KEYBOARD_ZONE, (150, 170, 200)),
    ):
        Question.objects.create(
            quiz=quiz,
            kind="hotspot",
            prompt=prompt,
            training_image=_image(course, colour),
            zones=[zone],
        )
    return course, quiz


def _serious(page) -> list:
    """axe's serious or critical WCAG 2 A/AA violations of the page as it is now."""
    return [v for v in _audit(page) if v["impact"] in {"serious", "critical"}]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_officer_passes_a_hotspot_quiz_and_downloads_the_certificate(
    page, live_server, demo_network, artifacts
):
    course, quiz = _course()
    _sign_in(page, live_server, "officer.vnm")
    page.goto(f"{live_server.url}/training/courses/{course.pk}/")
    page.get_by_role("link", name="Find the lifted laminate").click()
    page.wait_for_url(f"**/training/quizzes/{quiz.pk}/")
    # Nothing of the answer key reached the browser.
    assert "0.55" not in page.content() and "Bubble" not in page.content()

    page.get_by_label("UV", exact=True).check()
    frames = page.locator("[data-hotspot-frame]")
    assert frames.count() == 2
    # First hotspot: a click inside the zone (at 25 %, 25 % of the image).
    first = frames.nth(0).locator("img")
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    first.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.25})
    expect_marker = frames.nth(0).locator("[data-hotspot-marker]")
    assert expect_marker.is_visible()
    status = page.locator("[data-hotspot-status]")
    assert "25% from the left" in status.nth(0).inner_text()

    # Second hotspot: keyboard only — Tab to the image, arrows, Enter.
    frames.nth(0).focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "document.activeElement === document.querySelectorAll('[data-hotspot-frame]')[1]"
    )
    assert focused, "Tab did not reach the second image"  # fmt: skip
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    assert "Crosshair at 60% from the left, 60% from the top" in status.nth(1).inner_text()
    page.keyboard.press("Enter")
    assert "Point set: 60% from the left, 60% from the top." in status.nth(1).inner_text()
    assert page.url.endswith(f"/training/quizzes/{quiz.pk}/")  # Enter set the point only
    page.screenshot(path=str(artifacts / "training-quiz-officer-vnm.png"), full_page=True)
    assert not _serious(page)
    # On a phone the images fit the screen: no sideways scrolling, the marker still there.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert frames.nth(0).locator("[data-hotspot-marker]").is_visible()
    page.screenshot(path=str(artifacts / "training-quiz-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Hand in").click()
    page.wait_for_url("**/attempts/**")
    page.get_by_text("Certificate issued").wait_for()
    assert "100 %" in page.locator("[data-testid=quiz-score]").inner_text()
    attempt = Attempt.objects.get(quiz=quiz, submitted_at__isnull=False)
    assert all(result["correct"] for result in attempt.results.values())
    page.screenshot(path=str(artifacts / "training-result-officer-vnm.png"), full_page=True)
    assert not _serious(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    certificate = Certificate.objects.get(user__username="officer.vnm", course=course)
    assert download.suggested_filename == f"certificate-{certificate.code}.pdf"

    page.get_by_role("link", name="Its public verification page").click()
    page.get_by_text("Valid today").wait_for()
    page.screenshot(path=str(artifacts / "training-verify.png"), full_page=True)
    assert not _serious(page)

    # Another country outside andex: the course is not there for them.
    page.context.clear_cookies()
    _sign_in(page, live_server, "officer.fin")
    response = page.goto(f"{live_server.url}/training/courses/{course.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="This page is not here").is_visible()
    assert "Laminate checks" not in page.content()
    page.screenshot(path=str(artifacts / "training-course-404-officer-fin.png"), full_page=True)


def test_without_javascript_a_click_on_the_image_sets_the_point(
    browser, live_server, demo_network, outside_requests
):
    """The image posts the click's pixels; the page comes back with the point marked."""
    _course_made, quiz = _course()
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        _sign_in(page, live_server, "officer.vnm")
        page.goto(f"{live_server.url}/training/quizzes/{quiz.pk}/")
        page.get_by_label("UV", exact=True).check()
        image = page.locator("input[type=image]").nth(0)
        image.scroll_into_view_if_needed()
        box = image.bounding_box()
        assert round(box["width"]) == 800  # the width the server measures clicks in
        image.click(position={"x": 200, "y": 200})
        page.get_by_text("Point set. Answer the other questions, then hand in.").wait_for()
        assert page.get_by_text("Point set: 25% from the left, 38% from the top.").is_visible()
        assert page.get_by_label("UV", exact=True).is_checked()  # answers kept
        assert not Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).exists()
    finally:
        context.close()
