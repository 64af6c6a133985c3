"""Section rules as data: ``schemas/<type>.sections.yaml``, read into ``SectionSpec``.

The file format (each file's header repeats it):

``h1: title``            the page has exactly one H1 and it equals the front-matter ``title``
``ordered: true``        the listed sections appear in the listed order
``sections:``            the required sections, each one of:
  ``heading: Text``      a heading with exactly this text (case and surrounding space ignored)
  ``pattern: '^re$'``    a heading whose text matches the regular expression
  ``level: 2``           the heading level (default 2)
  ``repeated: true``     the entry may match several consecutive headings (at least one)
  ``name: step``         a name other data can refer to (the hub's ``steps.section``)
  ``links: 1``           the section (with its sub-sections) holds at least this many links
  ``last: true``         no section of the same level may follow it
``steps:``               the hub's steps table (``table_in``, ``columns``, ``row_pattern``,
                         ``links_column``, ``section``); see hub.sections.yaml
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.page import Heading, Page

_WS = re.compile(r"\s+")


def norm_text(text: str) -> str:
    return _WS.sub(" ", text.strip()).casefold()


@dataclass(frozen=True)
class SectionEntry:
    index: int
    heading: str | None
    pattern: re.Pattern | None
    level: int = 2
    repeated: bool = False
    name: str | None = None
    links: int = 0
    last: bool = False

    @property
    def label(self) -> str:
        if self.heading is not None:
            return self.heading
        return self.name or (self.pattern.pattern if self.pattern else "?")

    def matches(self, heading: Heading) -> bool:
        if heading.level != self.level:
            return False
        if self.heading is not None:
            return norm_text(heading.text) == norm_text(self.heading)
        assert self.pattern is not None
        return self.pattern.search(heading.text.strip()) is not None


@dataclass(frozen=True)
class StepsSpec:
    table_in: str
    columns: tuple[str, ...]
    row_pattern: re.Pattern
    links_column: str | None
    section: str | None


@dataclass(frozen=True)
class SectionSpec:
    h1_title: bool = False
    ordered: bool = False
    entries: tuple[SectionEntry, ...] = ()
    steps: StepsSpec | None = None

    def entry_named(self, name: str) -> SectionEntry | None:
        return next((e for e in self.entries if e.name == name), None)


_SPECS: dict[int, tuple[Any, SectionSpec | None]] = {}


def spec_for(page_type: str | None, schemas: Any) -> SectionSpec | None:
    """The section rules for a page type, or None (no type, or no sections file)."""
    if page_type is None or schemas is None:
        return None
    data = schemas.sections.get(page_type)
    if data is None:
        return None
    key = id(data)
    cached = _SPECS.get(key)
    if cached is not None and cached[0] is data:
        return cached[1]
    spec = parse_spec(data)
    _SPECS[key] = (data, spec)
    return spec


def parse_spec(data: dict) -> SectionSpec:
    """Raises ValueError on a malformed file (a schema author's mistake)."""
    entries = []
    for i, raw in enumerate(data.get("sections") or []):
        if not isinstance(raw, dict) or ("heading" in raw) == ("pattern" in raw):
            raise ValueError(f"sections[{i}] needs exactly one of 'heading' or 'pattern'")
        pattern = re.compile(str(raw["pattern"])) if "pattern" in raw else None
        entries.append(
            SectionEntry(
                i,
                str(raw["heading"]) if "heading" in raw else None,
                pattern,
                int(raw.get("level", 2)),
                bool(raw.get("repeated", False)),
                raw.get("name"),
                int(raw.get("links", 0)),
                bool(raw.get("last", False)),
            )
        )
    steps = None
    if isinstance(data.get("steps"), dict):
        s = data["steps"]
        steps = StepsSpec(
            str(s["table_in"]),
            tuple(str(c) for c in s.get("columns", ())),
            re.compile(str(s.get("row_pattern", r"^(?P<number>[0-9]+)\. (?P<title>.+)$"))),
            s.get("links_column"),
            s.get("section"),
        )
    return SectionSpec(
        data.get("h1") == "title", bool(data.get("ordered", False)), tuple(entries), steps
    )


@dataclass
class Match:
    """Which headings matched which entries."""

    by_entry: dict[int, list[int]] = field(default_factory=dict)  # entry index -> heading indices
    by_heading: dict[int, int] = field(default_factory=dict)  # heading index -> entry index


def match_sections(page: Page, spec: SectionSpec) -> Match:
    cached = page.cache.get("structure.match")
    if cached is not None and cached[0] is spec:
        return cached[1]
    result = Match()
    for h in page.headings:
        for entry in spec.entries:
            if entry.matches(h):
                found = result.by_entry.setdefault(entry.index, [])
                if found and not entry.repeated:
                    break  # a repeat of a single section: GL203 reports duplicates
                found.append(h.index)
                result.by_heading[h.index] = entry.index
                break
    page.cache["structure.match"] = (spec, result)
    return result


def section_of_heading(page: Page, heading_index: int):
    for sec in page.sections:
        if sec.heading == heading_index:
            return sec
    return None


def section_line_range(page: Page, heading_index: int) -> tuple[int, int]:
    """First and last line of a section including its sub-sections."""
    sec = section_of_heading(page, heading_index)
    assert sec is not None
    end = len(page.lines)
    level = page.headings[heading_index].level
    for h in page.headings[heading_index + 1 :]:
        if h.level <= level:
            end = h.line - 1
            break
    return sec.start_line, end


def h1_index(page: Page) -> int | None:
    return next((h.index for h in page.headings if h.level == 1), None)


# --------------------------------------------------------------------------- the hub's steps
@dataclass(frozen=True)
class StepsTable:
    heading: int  # index of the heading the table sits under
    table: int  # index into the page's (or summary's) tables
    header: tuple[str, ...]
    rows: tuple[tuple[tuple[str, Any], ...], ...]  # rows of (cell text, cell span)
    span: Any

    def column(self, name: str | None) -> int | None:
        if name is None:
            return None
        for i, h in enumerate(self.header):
            if norm_text(h) == norm_text(name):
                return i
        return None


def find_steps_table(headings, tables, steps: StepsSpec) -> tuple[int | None, StepsTable | None]:
    """(index of the heading that should hold the table, the table) for a page or a summary.

    ``headings`` have ``.text``; ``tables`` are ``page.tables`` (Cell objects) or ``summary.tables``
    (TableInfo with text and span tuples)."""
    heading = next(
        (i for i, h in enumerate(headings) if norm_text(h.text) == norm_text(steps.table_in)), None
    )
    if heading is None:
        return None, None
    for ti, t in enumerate(tables):
        if t.section != heading:
            continue
        header = tuple(c if isinstance(c, str) else c.text for c in t.header)
        rows = tuple(
            tuple(c if isinstance(c, tuple) else (c.text, c.span) for c in row) for row in t.rows
        )
        return heading, StepsTable(heading, ti, header, rows, t.span)
    return heading, None


def parse_row(steps: StepsSpec, text: str) -> tuple[int, str] | None:
    m = steps.row_pattern.search(text.strip())
    if not m:
        return None
    groups = m.groupdict()
    try:
        number = int(groups.get("number") or m.group(1))
    except (IndexError, ValueError):
        return None
    return number, (groups.get("title") or "").strip()
