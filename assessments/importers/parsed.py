"""What a questionnaire parser returns: plain data, no ORM (the data migration uses it with historical models)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Limits of assessments.models.Question / Questionnaire, repeated here because this module must not
# import models (migrations load it with historical models).
CODE_MAX = 50
NAME_MAX = 200
TEXT_MAX = 10_000


@dataclass
class ParsedQuestionnaire:
    """One questionnaire read from one file.

    `questions` are the dicts `assessments.services.questionnaire_create` takes: {code, domain, text,
    weight, condition: {question: code, responses: [...]} | None}, in document order (a condition always
    names an earlier question). `errors` are records that could not be read ({"line"|"record", "reason"});
    they are left out of `questions`, and the import fails on them unless told to skip invalid records.
    """

    file: str
    name: str
    source: str
    description: str = ""
    questions: list[dict] = field(default_factory=list)
    read: int = 0
    skipped: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def error(self, reason: str, *, line: int | None = None, record: str | None = None) -> None:
        """Where: the line when known (the reason then names the file), else the file + a path inside it."""
        if line is not None:
            self.errors.append({"line": line, "reason": f"{self.file}: {reason}"})
        else:
            self.errors.append({"record": f"{self.file} {record}" if record else self.file, "reason": reason})


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SourceSyntaxError(ValueError):
    """The file cannot be read at all (not JSON, not a catalog, ...). `line` when known."""

    def __init__(self, file: str, reason: str, *, line: int | None = None):
        where = f", line {line}" if line is not None else ""
        super().__init__(f"{file}{where}: {reason}")
        self.file = file
        self.reason = reason
        self.line = line

    def as_error(self) -> dict:
        if self.line is not None:
            return {"line": self.line, "reason": f"{self.file}: {self.reason}"}
        return {"record": self.file, "reason": self.reason}
