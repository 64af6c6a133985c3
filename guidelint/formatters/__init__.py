"""Output formats. Each takes the report and a FormatContext and returns text.

The exit code never depends on the format.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from guidelint.runner import Report

MAX_SOURCE_BYTES = 10 * 1024 * 1024  # larger files are reported without their source lines (GL901)


@dataclass
class FormatContext:
    color: bool = False
    show_source: bool = True
    stdin_text: dict[str, str] = field(default_factory=dict)  # display path -> text
    statistics: bool = False
    known: dict[str, dict] = field(
        default_factory=dict
    )  # display path -> {line: text or None} (Report.sources)
    _lines: dict[str, list] = field(default_factory=dict)  # the lines of the file read last

    def line(self, path: str, number: int) -> str | None:
        """Line ``number`` of ``path``. Diagnostics come sorted by path, so only the file read last
        is kept: a report on a large site never holds the whole site's text. Lines stay bytes
        until asked for (a report shows a few lines of each file: decoding whole files cost
        most of the time of a large report)."""
        known = self.known.get(path)
        if known is not None and number in known:  # as analysed; None: too long to show
            return known[number]
        lines = self._lines.get(path)
        if lines is None:
            self._lines.clear()
            lines = self._lines[path] = self._read(path)
        if not 0 < number <= len(lines):
            return None
        found = lines[number - 1]
        return found if type(found) is str else found.decode("utf-8", errors="replace")

    def _read(self, path: str) -> list:
        text = self.stdin_text.get(path)
        if text is not None:
            return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        try:
            with open(path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size > MAX_SOURCE_BYTES:
                    return []
                data = fh.read()  # not read(MAX + 1): that allocates the whole buffer on every call
        except OSError:
            return []
        if len(data) > MAX_SOURCE_BYTES or data.find(b"\0", 0, 8192) != -1:  # binary (GL902)
            return []
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        return data.split(b"\n")


Formatter = Callable[[Report, FormatContext], str]


def get_formatters() -> dict[str, Formatter]:
    from guidelint.formatters import github, json_format, text

    found: dict[str, Formatter] = {
        "text": text.format_report,
        "json": json_format.format_report,
        "github": github.format_report,
    }
    try:  # formats added by later modules
        from guidelint.formatters import sarif

        found["sarif"] = sarif.format_report
    except ImportError:
        pass
    try:
        from guidelint.formatters import junit

        found["junit"] = junit.format_report
    except ImportError:
        pass
    from guidelint.formatters import html_report

    found["html"] = html_report.format_report
    return found


FORMAT_NAMES = ("text", "json", "github", "sarif", "junit", "html")


def iter_format(fmt: str, report: Report, ctx: FormatContext) -> Iterator[str] | None:
    """The report in format ``fmt`` as pieces to write one after the other (None: no such format).
    The text, JSON, GitHub, SARIF and JUnit formats are made as they are written, so that a large
    report is never held whole; the HTML report is made whole, then written."""
    import importlib

    module = {
        "text": "text",
        "json": "json_format",
        "github": "github",
        "sarif": "sarif",
        "junit": "junit",
    }.get(fmt)
    if module is not None:
        try:
            stream = importlib.import_module(f"guidelint.formatters.{module}").iter_report
        except (ImportError, AttributeError):
            stream = None
        if stream is not None:
            return stream(report, ctx)
    formatter = get_formatters().get(fmt)
    return None if formatter is None else iter([formatter(report, ctx)])
