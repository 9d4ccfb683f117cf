"""The training domain: courses and their parts (``courses``), learners' records
(``records``)."""

from .courses import (
    Choice,
    CompetencyLevel,
    Course,
    CourseGroupObjectPermission,
    CourseModule,
    CourseUserObjectPermission,
    Lesson,
    Question,
    QuestionKind,
    Quiz,
    TrainingImage,
    TrainingImageRendition,
    TrainingVideo,
)
from .records import (
    Attempt,
    Certificate,
    CertificateStatus,
    Completion,
    Enrolment,
    certificate_code,
)

__all__ = [
    "Attempt",
    "Certificate",
    "CertificateStatus",
    "Choice",
    "CompetencyLevel",
    "Completion",
    "Course",
    "CourseGroupObjectPermission",
    "CourseModule",
    "CourseUserObjectPermission",
    "Enrolment",
    "Lesson",
    "Question",
    "QuestionKind",
    "Quiz",
    "TrainingImage",
    "TrainingImageRendition",
    "TrainingVideo",
    "certificate_code",
]
