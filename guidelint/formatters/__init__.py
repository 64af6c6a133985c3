"""Output formats. Each takes the report and a FormatContext and returns text.

The exit code never depends on the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from guidelint.runner import Report


@dataclass
class FormatContext:
    color: bool = False
    show_source: bool = True
    stdin_text: dict[str, str] = field(default_factory=dict)  # display path -> text
    statistics: bool = False
    _lines: dict[str, list[str]] = field(default_factory=dict)  # the lines of the file read last

    def line(self, path: str, number: int) -> str | None:
        """Line ``number`` of ``path``. Diagnostics come sorted by path, so only the file read last
        is kept: a report on a large site never holds the whole site's text."""
        if path not in self._lines:
            self._lines.clear()
            text = self.stdin_text.get(path)
            if text is None:
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                    if len(data) > 10 * 1024 * 1024 or b"\0" in data[:8192]:
                        text = ""
                    else:
                        text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
                        if text.startswith("\ufeff"):
                            text = text[1:]
                except OSError:
                    text = ""
            self._lines[path] = text.split("\n")
        lines = self._lines[path]
        return lines[number - 1] if 0 < number <= len(lines) else None


Formatter = Callable[[Report, FormatContext], str]


def get_formatters() -> dict[str, Formatter]:
    from guidelint.formatters import github, json_format, text

    found: dict[str, Formatter] = {"text": text.format_report, "json": json_format.format_report,
                                   "github": github.format_report}
    try:  # formats added by later modules
        from guidelint.formatters import sarif  # noqa: F401

        found["sarif"] = sarif.format_report
    except ImportError:
        pass
    try:
        from guidelint.formatters import junit  # noqa: F401

        found["junit"] = junit.format_report
    except ImportError:
        pass
    return found


FORMAT_NAMES = ("text", "json", "github", "sarif", "junit")
