from django.db import models

from . import scoring


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class Rating(models.TextChoices):
    STRONG = "strong", "Strong"
    SATISFACTORY = "satisfactory", "Satisfactory"
    NEEDS_IMPROVEMENT = "needs_improvement", "Needs improvement"
    UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"


class Response(models.TextChoices):
    YES = "yes", "Yes"
    PARTIAL = "partial", "Partial"
    NO = "no", "No"
    NA = "na", "Not applicable"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    REMEDIATING = "remediating", "Remediating"
    ACCEPTED = "accepted", "Risk accepted"
    CLOSED = "closed", "Closed"


OPEN_FINDING_STATUSES = (FindingStatus.OPEN, FindingStatus.REMEDIATING)


# The bands a stored score or concentration is in (the scorer names them; the API and pages offer them).
# Choice lists of the bands the scorer exports (the scorer keeps them as plain strings: it is pure).
BANDS = scoring.band_choices(scoring.SCORE_BANDS)
HHI_BANDS = scoring.band_choices(scoring.HHI_BANDS)
