"""Diagnostics: what every rule reports and every formatter prints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.value


class PickleAsTuple:
    """Pickles as a constructor call with the fields in order: several times faster to load than
    the generic state of a frozen slotted dataclass, and the result cache loads hundreds of
    thousands of spans on a large site."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]  # set by @dataclass on each subclass

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        return (type(self), tuple(getattr(self, name) for name in self.__dataclass_fields__))


# Not frozen, as Diagnostic below (a frozen dataclass's __init__ is 3x as slow, and a page may make
# hundreds of thousands of spans); treat it as immutable all the same: it hashes on its fields.
@dataclass(slots=True, unsafe_hash=True)
class Span(PickleAsTuple):
    """A region of a file. Lines and columns are 1-based; end_column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int = 1, width: int = 1) -> Span:
        return cls(line, column, line, column + max(width, 1))


@dataclass(frozen=True, slots=True)
class Edit(PickleAsTuple):
    """Replace the text of ``span`` with ``text`` (a mechanical fix)."""

    span: Span
    text: str

    def accepts(self, found: str) -> bool:
        """Whether the edit may replace ``found``, the text now at its span. A plain edit names
        no expected text, so ``--fix`` never applies it (guidelint.fixes)."""
        return False

    def expected(self) -> str:
        return "(the fix names no expected text)"


@dataclass(frozen=True, slots=True)
class CheckedEdit(Edit):
    """An edit that applies only if the span's current text is ``expect`` (guidelint.fixes)."""

    expect: str = ""

    def accepts(self, found: str) -> bool:
        return found == self.expect

    def expected(self) -> str:
        return self.expect


@dataclass(frozen=True, slots=True)
class CommentRemoval(Edit):
    """Delete whole lines that hold one HTML comment and nothing else: applies only if the
    span's text is ``<!--``, the comment's text ``comment`` (as the page model stripped it), and
    ``-->``, with nothing but blanks around them, then one line break (or the end of the file)."""

    comment: str = ""

    def accepts(self, found: str) -> bool:
        pattern = r"[ \t]*<!--\s*" + re.escape(self.comment) + r"\s*-->[ \t]*\n?"
        return self.text == "" and re.fullmatch(pattern, found) is not None

    def expected(self) -> str:
        return f"<!-- {self.comment} --> alone on its line(s)"


# Not frozen (a frozen dataclass's __init__ sets each field through object.__setattr__: building
# a large report's diagnostics took 4x as long); treat it as immutable all the same. Hashable on
# the compared fields, as a frozen one would be: the runner deduplicates with a set.
@dataclass(slots=True, unsafe_hash=True)
class Diagnostic(PickleAsTuple):
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    severity: Severity
    message: str
    fix: tuple[Edit, ...] = field(default=(), compare=False)

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON shape (documented in the README)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


# ------------------------------------------------------------------ invisible characters in messages
# Unicode's control (Cc), format (Cf: zero-width spaces and joiners, direction marks), line and
# paragraph separator (Zl, Zp) and surrogate (Cs) characters, as of Unicode 14 (Python 3.11);
# tests/test_hostile.py compares this with the running Python's unicodedata.
INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


MAX_MESSAGE = 2_000  # characters of a message; a longer one (quoting a huge link) is shortened


def escape_message(message: str) -> str:
    """``message`` with the characters a reader cannot see, or that break a report's lines (NUL,
    other control characters, zero-width and direction marks, line separators), written as
    ``\\u0000``-style escapes: a message quotes page text, and the report must show what is there.

    A message over ``MAX_MESSAGE`` characters keeps its first 1,200 and last 500, and says how
    many it leaves out: a link with a 4 MB target made an 8 MB message."""
    if len(message) > MAX_MESSAGE:
        left = len(message) - 1_700
        message = f"{message[:1_200]}[... {left:,} characters ...]{message[-500:]}"
    # Every character of INVISIBLE is one that str.isprintable() refuses (tests/test_warm_start.py
    # checks this for the running Python), so a printable message has nothing to escape: most
    # messages, and the test is 10x faster than the substitution on a message quoting curly quotes.
    if message.isprintable():
        return message
    return INVISIBLE.sub(_escape_one, message)


def _escape_one(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
