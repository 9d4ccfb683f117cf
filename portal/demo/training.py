"""Demo training (issue 13): courses of every level by ``trainer.phl`` and certificates.

Courses are owned by PHL and shared with andex; one is shared with rnde-europe only (so
``officer.fin`` meets a course that andex officers do not). Their quizzes use demo
specimen images shared with every member (never narrower than the course: the width
rule, checked again when each course is published). A hotspot question's zone is copied
from the marked region of the forgery's image at load time.

``officer.tha`` passed the first-line course (real attempts, graded by the services);
``officer.vnm``'s certificate of it expires in about 20 days (the reminder and "expiring
soon" show). Idempotent: an existing course (same title, owner PHL) is left alone, and a
learner who holds a certificate of the course gets no second one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import DistributionLevel, User
from portal.lifecycle.services import item_publish
from portal.specimens.models import Kind, Specimen, SpecimenImage
from portal.training import services
from portal.training.models import (
    Certificate,
    Choice,
    Completion,
    Course,
    CourseModule,
    Lesson,
    Question,
    Quiz,
    TrainingImage,
)

OWNER = "PHL"
TRAINER = "trainer.phl"
ANDEX = {"level": "networks", "networks": ["andex"]}
RNDE = {"level": "networks", "networks": ["rnde-europe"]}

FIRST_LINE = "Examining passports at the first line"
SECOND_LINE = "UV and IR examination at the second line"
EXPERT = "Forensic document examination for experts"
EUROPE = "Document checks for European partners"

#: Specimens of the demo library a course may use: shared with every member or public.
WIDE = (DistributionLevel.MEMBERS, DistributionLevel.PUBLIC)

#: Days before expiry of officer.vnm's certificate.
VNM_EXPIRES_IN_DAYS = 20


# --- picking demo specimen images ---------------------------------------------------------


def _wide_specimens(kind: str):
    return Specimen.objects.filter(kind=kind, distribution_level__in=WIDE).order_by("title")


def forgery_image(light: str, *, skip: int = 0) -> SpecimenImage | None:
    """A marked image (``light``) of a forgery shared with every member; ``skip`` passes
    over the first ones (a second course takes another forgery)."""
    images = (
        SpecimenImage.objects.filter(specimen__in=_wide_specimens(Kind.FORGED), light_source=light)
        .exclude(regions=[])
        .order_by("specimen__title", "pk")
    )
    return images[skip : skip + 1].first()


def genuine_image(light: str) -> SpecimenImage | None:
    return (
        SpecimenImage.objects.filter(specimen__in=_wide_specimens(Kind.GENUINE), light_source=light)
        .order_by("specimen__title", "pk")
        .first()
    )


# --- building blocks ----------------------------------------------------------------------


def _training_image(course: Course, source: SpecimenImage, caption: str) -> TrainingImage:
    """A copy of a specimen image uploaded for the course, with its marked regions."""
    image = TrainingImage(course=course, caption=caption, regions=list(source.regions or []))
    with source.file.open("rb") as handle:
        image.prepared_store(image.prepare_upload(handle))
    image.save()
    return image


def _lesson(module: CourseModule, order: int, title: str, blocks: list[dict]) -> Lesson:
    return Lesson.objects.create(
        module=module, sort_order=order, title=title, body=json.dumps(blocks)
    )


def _text(html: str) -> dict:
    return {"type": "text", "value": html}


def _choice_question(quiz: Quiz, order: int, prompt: str, right: str, wrong: list[str]) -> Question:
    question = Question.objects.create(
        quiz=quiz,
        sort_order=order,
        kind="choice",
        prompt=prompt,
        feedback_correct="Right.",
        feedback_wrong=f"The answer is: {right}.",
    )
    Choice.objects.create(question=question, text=right, correct=True, sort_order=0)
    for number, text in enumerate(wrong, start=1):
        Choice.objects.create(question=question, text=text, sort_order=number)
    return question


def _match_question(quiz: Quiz, order: int, prompt: str, pairs: list[tuple[str, str]]):
    question = Question.objects.create(
        quiz=quiz,
        sort_order=order,
        kind="match",
        prompt=prompt,
        feedback_correct="Every pair is right.",
        feedback_wrong="Look at the glossary of the specimen library again.",
    )
    for number, (term, partner) in enumerate(pairs):
        Choice.objects.create(question=question, text=term, match_target=partner, sort_order=number)
    for number, (_term, partner) in enumerate(pairs, start=len(pairs)):
        Choice.objects.create(question=question, text=partner, sort_order=number)
    return question


def _hotspot_question(quiz: Quiz, order: int, image: SpecimenImage, prompt: str) -> Question:
    """The zone is the forgery image's marked region itself (copied now)."""
    return Question.objects.create(
        quiz=quiz,
        sort_order=order,
        kind="hotspot",
        prompt=prompt,
        specimen_image=image,
        zones=[dict(region) for region in image.regions],
        feedback_correct="Yes: this is where the forgery gives itself away.",
        feedback_wrong=f"Look again: {', '.join(r.get('label', '') for r in image.regions)}.",
    )


def _genuine_question(quiz: Quiz, order: int, image: SpecimenImage) -> Question:
    genuine = image.specimen.kind == Kind.GENUINE
    return Question.objects.create(
        quiz=quiz,
        sort_order=order,
        kind="genuine_or_forged",
        prompt="Under UV light (365 nm): is this document genuine or forged?",
        specimen_image=image,
        genuine=genuine,
        feedback_correct="Right: compare the fibres and the paper's glow with the reference.",
        feedback_wrong="Look at the fibres and whether the paper glows.",
    )


# --- the courses ----------------------------------------------------------------------------


def _first_line(course: Course) -> None:
    forgery = forgery_image("uv")
    visible = forgery_image("visible")
    genuine = genuine_image("uv")
    one = CourseModule.objects.create(
        course=course,
        sort_order=0,
        title="The data page under UV light",
        summary="What a genuine page shows under UV, and what a counterfeit misses.",
    )
    blocks = [
        _text(
            "<h2>Why UV light</h2><p>Genuine passport paper does not glow under UV light "
            "(365 nm), while its security fibres and planchettes do. Many counterfeits are "
            "printed on ordinary paper with optical brighteners: the whole page glows and "
            "the fibres are missing.</p><ul><li>Switch off the room light.</li>"
            "<li>Hold the lamp 10–15 cm above the page.</li><li>Compare with the reference "
            "specimen.</li></ul>"
        )
    ]
    if forgery is not None:
        figure = _training_image(course, forgery, f"{forgery.specimen.title} — under UV")
        blocks.append(
            {
                "type": "annotated_image",
                "value": {"image": figure.pk, "caption": "The marked region gives it away."},
            }
        )
        blocks.append(
            {
                "type": "specimen",
                "value": {
                    "specimen": forgery.specimen_id,
                    "note": "Open each light and compare with its genuine reference.",
                },
            }
        )
    _lesson(one, 0, "Fibres, planchettes and paper under UV", blocks)
    _lesson(
        one,
        1,
        "A routine for every document",
        [
            _text(
                "<p>Look, feel, tilt, then light: check the laminate and its edges, feel "
                "the intaglio print, tilt the optically variable features, then check under "
                "UV. Refer any doubt to the second line.</p>"
            )
        ],
    )
    quiz = Quiz.objects.create(module=one, sort_order=0, title="UV check", pass_mark=75)
    order = 0
    if forgery is not None:
        _hotspot_question(quiz, order, forgery, "Click the area that shows this is a counterfeit.")
        order += 1
    if genuine is not None:
        _genuine_question(quiz, order, genuine)
        order += 1
    if forgery is not None:
        _genuine_question(quiz, order, forgery)
        order += 1
    _choice_question(
        quiz,
        order,
        "What does genuine passport paper do under UV light?",
        "It stays dull; only fibres and planchettes glow",
        ["The whole page glows blue", "It turns completely black"],
    )
    _match_question(
        quiz,
        order + 1,
        "Match each light with what it reveals.",
        [
            ("UV light", "Security fibres"),
            ("Infrared light", "IR-dropping inks"),
            ("Transmitted light", "Watermark"),
        ],
    )
    two = CourseModule.objects.create(
        course=course, sort_order=1, title="The machine-readable zone", summary="Reading the MRZ."
    )
    _lesson(
        two,
        0,
        "Reading the MRZ",
        [
            _text(
                "<p>The two lines at the foot of the data page repeat the personal data in "
                "OCR-B letters with check digits. A wrong font, uneven spacing or a check "
                "digit that does not add up calls for a closer look.</p>"
            )
        ],
    )
    if visible is not None:
        _lesson(
            two,
            1,
            "A forgery in visible light",
            [{"type": "specimen", "value": {"specimen": visible.specimen_id, "note": ""}}],
        )
    # A bank of six questions, four drawn for each attempt.
    bank = Quiz.objects.create(
        module=two, sort_order=0, title="MRZ basics", pass_mark=75, draw_count=4
    )
    for number, (prompt, right, wrong) in enumerate(
        [
            ("Which font does the MRZ use?", "OCR-B", ["Arial", "Times"]),
            ("How many MRZ lines has a passport (TD3)?", "Two", ["One", "Three"]),
            ("How many characters has a TD3 MRZ line?", "44", ["30", "36"]),
            ("What fills the empty places of the MRZ?", "The < sign", ["Spaces", "Zeros"]),
            ("What does a check digit protect?", "The field before it", ["The photo", "The chip"]),
            ("Where is the MRZ of a passport?", "At the foot of the data page", ["On the cover"]),
        ]
    ):
        _choice_question(bank, number, prompt, right, wrong)


def _second_line(course: Course) -> None:
    module = CourseModule.objects.create(
        course=course, sort_order=0, title="UV and IR together", summary="Two lights, one verdict."
    )
    ir = forgery_image("ir")
    blocks = [
        _text(
            "<p>At the second line, examine every light: IR-dropping inks vanish under "
            "infrared, UV-reactive inks and fibres light up under UV. A counterfeit printed "
            "with ordinary inks keeps its text under IR.</p>"
        )
    ]
    if ir is not None:
        figure = _training_image(course, ir, f"{ir.specimen.title} — under IR")
        blocks.append({"type": "annotated_image", "value": {"image": figure.pk, "caption": ""}})
    _lesson(module, 0, "Inks under infrared", blocks)
    quiz = Quiz.objects.create(module=module, sort_order=0, title="Second-line check")
    genuine = genuine_image("uv")
    if genuine is not None:
        _genuine_question(quiz, 0, genuine)
    if ir is not None:
        _hotspot_question(quiz, 1, ir, "Click the inks that should have vanished under IR.")
    _choice_question(
        quiz,
        2,
        "What happens to IR-dropping ink under infrared light?",
        "It vanishes",
        ["It glows red", "It turns black"],
    )


def _expert(course: Course) -> None:
    module = CourseModule.objects.create(
        course=course, sort_order=0, title="Reporting a forgery", summary="From finding to alert."
    )
    _lesson(
        module,
        0,
        "Writing up an examination",
        [
            _text(
                "<p>An expert's report names each feature examined, the light it was examined "
                "under, the finding and the reference specimen it was compared with. Add the "
                "forgery to the library and publish an alert when it may cross other borders.</p>"
            )
        ],
    )
    quiz = Quiz.objects.create(module=module, sort_order=0, title="Expert review")
    forgery = forgery_image("visible", skip=1) or forgery_image("visible")
    if forgery is not None:
        _hotspot_question(quiz, 0, forgery, "Click the feature that was forged.")
    _match_question(
        quiz,
        1,
        "Match each fraud type with its definition.",
        [
            ("Counterfeit", "A reproduction of a genuine document"),
            ("Forgery", "A genuine document altered"),
            ("Pseudo-document", "A document no authority issues"),
        ],
    )


def _europe(course: Course) -> None:
    module = CourseModule.objects.create(course=course, sort_order=0, title="Visas of the region")
    _lesson(
        module,
        0,
        "Checking visa foils",
        [
            _text(
                "<p>A visa foil is glued to a passport page: check its edges, its "
                "optically variable feature and that the passport number printed on it "
                "matches the passport's.</p>"
            )
        ],
    )
    quiz = Quiz.objects.create(module=module, sort_order=0, title="Visa foils")
    _choice_question(
        quiz,
        0,
        "What must match between a visa foil and its passport?",
        "The passport number",
        ["The colour", "The page number"],
    )


COURSES = [
    # (title, level, distribution, validity months, builder, summary)
    (FIRST_LINE, "first_line", ANDEX, 24, _first_line,
     "Check a passport's data page in one minute: UV light and the machine-readable zone."),
    (SECOND_LINE, "second_line", ANDEX, 24, _second_line,
     "Examine the inks and the paper of a suspect document under UV and IR light."),
    (EXPERT, "expert", ANDEX, 36, _expert,
     "Find the forged feature and report it to the network."),
    (EUROPE, "first_line", RNDE, 24, _europe,
     "Visa foils of South-East Asia, for the document experts of rnde-europe."),
]  # fmt: skip


def _course_make(trainer: User, plan: tuple) -> Course:
    title, level, distribution, months, build, summary = plan
    with transaction.atomic():
        course = Course.objects.create(
            title=title,
            summary=summary,
            level=level,
            validity_months=months,
            owner_country_id=OWNER,
            created_by=trainer,
        )
        build(course)
        distribution_apply(item=course, distribution=Distribution.from_data(distribution))
        # Publishing checks the width rule (``Course.publish``): CourseTooWide otherwise.
        return item_publish(item=course, user=trainer)


# --- learners -------------------------------------------------------------------------------


def right_answers(attempt) -> dict[str, Any]:
    """The right answer of every question drawn for ``attempt`` (a demo learner who
    studied), in the API's shapes."""
    answers: dict[str, Any] = {}
    for question in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related(
        "choices"
    ):
        key = services.question_key(question)
        if question.kind == "choice":
            right = sorted(key.correct_choice_ids)
            answers[key.id] = right if question.multiple else right[0]
        elif question.kind == "genuine_or_forged":
            answers[key.id] = "genuine" if question.genuine else "forged"
        elif question.kind == "hotspot":
            zone = question.zones[0]
            answers[key.id] = {"x": zone["x"] + zone["w"] / 2, "y": zone["y"] + zone["h"] / 2}
        elif question.kind == "match":
            answers[key.id] = dict(key.match_pairs)
    return answers


def _pass_course(user: User, course: Course) -> Certificate | None:
    for quiz in Quiz.objects.filter(module__course=course).order_by("module__sort_order", "pk"):
        attempt = services.quiz_attempt_start(user=user, quiz=quiz)
        services.quiz_attempt_submit(user=user, quiz=quiz, answers=right_answers(attempt))
    return (
        Certificate.objects.filter(user=user, course=course, superseded_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )


def _backdate(user: User, course: Course, expires_in: dt.timedelta) -> None:
    """Make the learner's round of ``course`` as if it was passed long enough ago that the
    certificate expires in ``expires_in``."""
    expires = timezone.now() + expires_in
    issued = services.add_months(expires, -course.validity_months)
    from portal.training.models import Attempt

    Attempt.objects.filter(user=user, quiz__module__course=course).update(
        started_at=issued - dt.timedelta(minutes=30), submitted_at=issued
    )
    Completion.objects.filter(user=user, course=course).update(completed_at=issued)
    Certificate.objects.filter(user=user, course=course).update(
        issued_at=issued, expires_at=expires
    )


def demo_training_load() -> str:
    """Create the demo courses and certificates that are missing; returns a summary line."""
    trainer = User.objects.filter(username=TRAINER).first()
    if trainer is None:
        return f"skipped: {TRAINER} is missing"
    existing = set(
        Course.objects.filter(
            owner_country_id=OWNER, title__in=[c[0] for c in COURSES]
        ).values_list("title", flat=True)
    )
    made = 0
    for plan in COURSES:
        if plan[0] not in existing:
            _course_make(trainer, plan)
            made += 1
    first_line = Course.objects.get(owner_country_id=OWNER, title=FIRST_LINE)
    certificates = 0
    for username, expires_in in (
        ("officer.tha", None),
        ("officer.vnm", dt.timedelta(days=VNM_EXPIRES_IN_DAYS)),
    ):
        learner = User.objects.filter(username=username).first()
        if learner is None or Certificate.objects.filter(user=learner, course=first_line).exists():
            continue
        with transaction.atomic():
            if _pass_course(learner, first_line) is not None:
                certificates += 1
                if expires_in is not None:
                    _backdate(learner, first_line, expires_in)
    return f"{made} courses and {certificates} certificates added ({len(COURSES)} demo courses)"
