"""Problems found in the input, reported as ``FILE:LINE:COL: message`` and collected, never raised one by one."""

from __future__ import annotations

from dataclasses import dataclass


def printable(text: str) -> str:
    """Text safe to print on one log line: control, format and separator characters (escape sequences,
    newlines, bidirectional overrides) are written as \\uXXXX, so input cannot forge log lines or drive
    the terminal."""
    return "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in text)


def shown(value: object, limit: int = 60) -> str:
    """A value from the input, quoted for a message and cut short when long."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "'" + text.replace("'", "\\'") + "'"


@dataclass(frozen=True, order=True)
class Position:
    """Where something stands in an input file; line and column count from 1."""

    file: str
    line: int = 1
    col: int = 1

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.col, message)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.file}:{self.line}:{self.col}: {self.message}")

    def github_annotation(self, level: str = "error") -> str:
        """The same problem in GitHub Actions' workflow-command form, shown inline on a pull request
        (``level`` "warning" for a finding that does not fail the check).

        The runner reads ``::error k=v,k=v::message``: in the message it decodes %25, %0D and %0A; in a
        property value also %3A and %2C, since a bare ':' or ',' would end the value early.
        """
        # printable() first, so that the annotation and the text line show the same characters.
        file = _escape_property(printable(self.file))
        return f"::{level} file={file},line={self.line},col={self.col}::{_escape_data(printable(self.message))}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class ProblemsFound(Exception):
    """Raised at the end of a stage when its input had problems; carries all of them, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s) in the data")

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(problem) for problem in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was built.")
        return "\n".join(lines)
