"""The learner's quiz page, its result page and the certificate download."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.access.models import AccessRecord
from portal.training.models import Attempt, Certificate, Choice, Question, TrainingImage

from .conftest import course_make, picture, question_choice, quiz_make

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}
#: Zone numbers that appear nowhere else in a page.
#: Queries of the quiz page (the frame, the rule, the attempt, the questions).
QUIZ_PAGE_QUERIES = 22
ZONE = {"x": 0.4321, "y": 0.2468, "w": 0.1357, "h": 0.0864, "label": "ZONE-SECRET"}


def _image(course, size=(600, 400)) -> TrainingImage:
    image = TrainingImage(course=course, caption="Laminate")
    image.file.save("upload.png", ContentFile(picture(size=size)), save=False)
    image.save()
    return image


def _hotspot(quiz, image, *, prompt="Click where the laminate was lifted"):
    return Question.objects.create(
        quiz=quiz,
        kind="hotspot",
        prompt=prompt,
        training_image=image,
        zones=[ZONE],
        feedback_correct="FEEDBACK-RIGHT",
        feedback_wrong="FEEDBACK-WRONG",
    )


def _genuine(quiz, image):
    return Question.objects.create(
        quiz=quiz,
        kind="genuine_or_forged",
        prompt="Is this passport genuine?",
        training_image=image,
        genuine=False,
        feedback_correct="GENUINE-FEEDBACK",
    )


def _match(quiz):
    question = Question.objects.create(quiz=quiz, kind="match", prompt="Match the lights")
    uv = Choice.objects.create(question=question, text="UV fibres", match_target="Image 2")
    ir = Choice.objects.create(question=question, text="IR ink", match_target="Image 1")
    one = Choice.objects.create(question=question, text="Image 1")
    two = Choice.objects.create(question=question, text="Image 2")
    return question, (uv, ir), (one, two)


def _quiz_of_every_kind():
    course = course_make(distribution=ANDEX, validity_months=12)
    quiz = quiz_make(course, pass_mark=100)
    image = _image(course)
    choice, good, bad = question_choice(quiz)
    hotspot = _hotspot(quiz, image)
    genuine = _genuine(quiz, image)
    match, terms, partners = _match(quiz)
    return {
        "course": course,
        "quiz": quiz,
        "choice": (choice, good, bad),
        "hotspot": hotspot,
        "genuine": genuine,
        "match": (match, terms, partners),
    }


def _right_answers(made) -> dict:
    choice, good, _bad = made["choice"]
    match, (uv, ir), (one, two) = made["match"]
    return {
        f"q{choice.pk}": str(good.pk),
        f"q{made['hotspot'].pk}-x": "0.5",
        f"q{made['hotspot'].pk}-y": "0.29",
        f"q{made['genuine'].pk}": "forged",
        f"q{match.pk}-{uv.pk}": str(two.pk),
        f"q{match.pk}-{ir.pk}": str(one.pk),
    }


def _post(client, quiz, data):
    html = client.get(reverse("training:quiz", kwargs={"pk": quiz.pk})).content.decode()
    attempt = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=True).latest("pk")
    assert f'name="attempt" value="{attempt.pk}"' in html
    return client.post(
        reverse("training:quiz", kwargs={"pk": quiz.pk}), {"attempt": attempt.pk, **data}
    )


def test_the_quiz_page_shows_every_kind_and_never_the_answer_key(users, signed_in):
    made = _quiz_of_every_kind()
    client = signed_in("officer.vnm")
    response = client.get(reverse("training:quiz", kwargs={"pk": made["quiz"].pk}))
    assert response.status_code == 200
    html = response.content.decode()
    hotspot = made["hotspot"]
    image = hotspot.training_image
    # Every kind is there: radios, the hotspot image (posting its click without JS), the
    # genuine-or-forged pair and a select per term.
    choice, good, _bad = made["choice"]
    assert f'type="radio" name="q{choice.pk}" value="{good.pk}"' in html
    assert f'type="image" class="hotspot__image" name="point-{hotspot.pk}"' in html
    assert image.private_url("display") in html
    assert f'name="q{hotspot.pk}-x"' in html and f'name="q{hotspot.pk}-y"' in html
    assert f'name="q{made["genuine"].pk}" value="forged"' in html
    match, (uv, _ir), (_one, _two) = made["match"]
    assert f'<select id="q{match.pk}-{uv.pk}" name="q{match.pk}-{uv.pk}">' in html
    assert "training/quiz.js" in html
    # No zone, correct flag, feedback or match partner.
    for secret in ("4321", "2468", "1357", "0864", "ZONE-SECRET", "Well seen", "FEEDBACK-",
                   "GENUINE-FEEDBACK", "correct", "match_target", "Image 2\""):  # fmt: skip
        assert secret not in html, secret


def test_officer_of_a_country_outside_the_course_gets_404(users, signed_in, client):
    made = _quiz_of_every_kind()
    url = reverse("training:quiz", kwargs={"pk": made["quiz"].pk})
    assert signed_in("officer.fin").get(url).status_code == 404
    assert not Attempt.objects.filter(user=users["officer.fin"]).exists()
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: sign in


def test_right_answers_of_every_kind_pass_and_issue_the_certificate(users, signed_in):
    made = _quiz_of_every_kind()
    client = signed_in("officer.vnm")
    response = _post(client, made["quiz"], _right_answers(made))
    attempt = Attempt.objects.get(user=users["officer.vnm"], submitted_at__isnull=False)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "training:quiz-result", kwargs={"pk": made["quiz"].pk, "attempt": attempt.pk}
    )
    assert attempt.score == 100 and attempt.passed
    assert attempt.answers[str(made["hotspot"].pk)] == {"x": 0.5, "y": 0.29}
    certificate = Certificate.objects.get(user=users["officer.vnm"])
    html = client.get(response["Location"]).content.decode()
    assert "100 %" in html and "Passed" in html
    assert "Certificate issued" in html
    assert certificate.get_absolute_url() in html and certificate.get_verify_url() in html
    # Feedback is shown now that the attempt is graded.
    assert "Well seen" in html and "FEEDBACK-RIGHT" in html and "GENUINE-FEEDBACK" in html
    # The learner's own point is marked on the image; the zones are still not there.
    assert 'class="hotspot__marker" aria-hidden="true" style="left: 50.00%; top: 29.00%"' in html
    assert "4321" not in html and "ZONE-SECRET" not in html


@pytest.mark.parametrize("kind", ["choice", "hotspot", "genuine", "match"])
def test_a_wrong_answer_of_each_kind_is_graded_wrong(users, signed_in, kind):
    made = _quiz_of_every_kind()
    answers = _right_answers(made)
    choice, _good, bad = made["choice"]
    match, (uv, ir), (one, two) = made["match"]
    wrong = {
        "choice": {f"q{choice.pk}": str(bad.pk)},
        "hotspot": {f"q{made['hotspot'].pk}-x": "0.9", f"q{made['hotspot'].pk}-y": "0.9"},
        "genuine": {f"q{made['genuine'].pk}": "genuine"},
        "match": {f"q{match.pk}-{uv.pk}": str(one.pk), f"q{match.pk}-{ir.pk}": str(two.pk)},
    }[kind]
    client = signed_in("officer.vnm")
    response = _post(client, made["quiz"], {**answers, **wrong})
    assert response.status_code == 302
    attempt = Attempt.objects.get(submitted_at__isnull=False)
    assert attempt.score == 75 and attempt.passed is False
    wrong_id = {
        "choice": choice.pk,
        "hotspot": made["hotspot"].pk,
        "genuine": made["genuine"].pk,
        "match": match.pk,
    }[kind]
    assert [qid for qid, result in attempt.results.items() if not result["correct"]] == [
        str(wrong_id)
    ]
    assert not Certificate.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "Not passed" in html and "Certificate issued" not in html
    assert "Try the quiz again" in html


def test_missing_and_bad_answers_give_the_form_again_with_answers_kept(users, signed_in):
    made = _quiz_of_every_kind()
    answers = _right_answers(made)
    choice, good, _bad = made["choice"]
    _match, (_uv, _ir), (_one, two) = made["match"]
    hotspot = made["hotspot"]
    del answers[f"q{made['genuine'].pk}"]  # missing
    answers[f"q{hotspot.pk}-x"] = "left"  # unreadable
    client = signed_in("officer.vnm")
    response = _post(client, made["quiz"], answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say whether the document is genuine or forged." in html
    assert "The point could not be read: click the image again." in html
    # The other answers are kept.
    assert f'name="q{choice.pk}" value="{good.pk}" checked' in html
    assert f'<option value="{two.pk}" selected>' in html
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()

    # An answer the grader cannot read (a choice of another question): its message.
    _other, other_good, _ = question_choice(quiz_make(course_make(distribution=ANDEX)))
    answers = {**_right_answers(made), f"q{choice.pk}": str(other_good.pk)}
    response = _post(client, made["quiz"], answers)
    assert response.status_code == 400
    assert "One of the chosen answers is not a choice of this question." in (
        response.content.decode()
    )
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()


def test_a_click_on_the_image_without_javascript_sets_the_point_and_keeps_answers(users, signed_in):
    made = _quiz_of_every_kind()
    hotspot = made["hotspot"]
    choice, good, _bad = made["choice"]
    client = signed_in("officer.vnm")
    # The image is drawn 800 px wide (600 × 400 → 800 × 533): (400, 160) is (0.5, 0.3).
    response = _post(
        client,
        made["quiz"],
        {
            f"q{choice.pk}": str(good.pk),
            f"point-{hotspot.pk}.x": "400",
            f"point-{hotspot.pk}.y": "160",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Point set. Answer the other questions, then hand in." in html
    assert f'name="q{hotspot.pk}-x" value="0.500000"' in html
    assert f'name="q{hotspot.pk}-y" value="0.300188"' in html
    assert "Point set: 50% from the left, 30% from the top." in html
    assert f'name="q{choice.pk}" value="{good.pk}" checked' in html
    assert "Say whether" not in html  # not handed in: no nagging
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()
    # Handing in then grades the kept point: inside the zone.
    answers = {
        **_right_answers(made),
        f"q{hotspot.pk}-x": "0.500000",
        f"q{hotspot.pk}-y": "0.300188",
    }
    assert _post(client, made["quiz"], answers).status_code == 302
    assert Attempt.objects.get(submitted_at__isnull=False).results[str(hotspot.pk)]["correct"]


def test_an_attempt_handed_in_elsewhere_is_not_graded_twice(users, signed_in):
    made = _quiz_of_every_kind()
    client = signed_in("officer.vnm")
    client.get(reverse("training:quiz", kwargs={"pk": made["quiz"].pk}))
    response = client.post(
        reverse("training:quiz", kwargs={"pk": made["quiz"].pk}),
        {"attempt": "999999", **_right_answers(made)},
    )
    assert response.status_code == 200
    assert "handed in from another window" in response.content.decode()
    assert not Attempt.objects.filter(submitted_at__isnull=False).exists()


def test_the_result_page_is_the_learners_own(users, signed_in):
    made = _quiz_of_every_kind()
    _post(signed_in("officer.vnm"), made["quiz"], _right_answers(made))
    attempt = Attempt.objects.get(submitted_at__isnull=False)
    url = reverse("training:quiz-result", kwargs={"pk": made["quiz"].pk, "attempt": attempt.pk})
    assert signed_in("officer.tha").get(url).status_code == 404


def test_the_certificate_pdf_is_the_holders_only(users, signed_in, client):
    made = _quiz_of_every_kind()
    holder = signed_in("officer.vnm")
    _post(holder, made["quiz"], _right_answers(made))
    certificate = Certificate.objects.get()
    url = reverse("training:certificate", kwargs={"pk": certificate.pk})
    response = holder.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    assert AccessRecord.objects.filter(
        item_type="training.certificate",
        object_id=str(certificate.pk),
        outcome="read",
        username="officer.vnm",
    ).exists()
    for other in ("officer.tha", "trainer.phl", "officer.fin"):
        assert signed_in(other).get(url).status_code == 404
    assert AccessRecord.objects.filter(
        item_type="training.certificate", outcome="denied", username="officer.tha"
    ).exists()
    missing = reverse("training:certificate", kwargs={"pk": certificate.pk + 1000})
    assert signed_in("officer.vnm").get(missing).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: sign in, told nothing


def test_the_quiz_page_reads_as_many_queries_whatever_the_number_of_questions(users, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = _quiz_of_every_kind()
    client = signed_in("officer.vnm")
    url = reverse("training:quiz", kwargs={"pk": made["quiz"].pk})

    def count(questions: int) -> int:
        Attempt.objects.filter(quiz=made["quiz"]).delete()  # a new draw of the whole bank
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.content.decode().count('<fieldset class="card quiz-question') == questions
        return len(queries)

    four = count(4)
    for number in range(6):
        _hotspot(made["quiz"], made["hotspot"].training_image, prompt=f"Hotspot {number}")
    assert count(10) == four <= QUIZ_PAGE_QUERIES
