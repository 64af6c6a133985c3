from __future__ import annotations

import stat

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

CODE = "GL901"


@register
class UnreadableFile(Rule):
    """The file cannot be read.

    What it checks: The file could not be opened or read: permission denied, a broken symbolic link, a folder
    where a page was expected, or a file that disappeared while the check ran.

    Why: An unreadable page is a page nobody checked; it is reported so it is not mistaken for a clean one.
    """

    code = CODE
    emitted_by = (
        "guidelint.reading.read_item (before the file is read), "
        "with this module's check_mode, from_os_error"
    )
    name = "unreadable-file"
    summary = "The file cannot be read"
    scope = "input"


def check_mode(mode: int) -> Finding | None:
    """The finding for a path whose ``st_mode`` is not a regular file (a folder, a pipe...)."""
    if stat.S_ISDIR(mode):
        return Finding(CODE, Span.point(1), "is a folder, not a page")
    if not stat.S_ISREG(mode):  # a FIFO or a device would block or never end
        return Finding(
            CODE,
            Span.point(1),
            "is not a regular file (a pipe, socket or device); "
            "only Markdown text pages belong in the content root",
        )
    return None


def from_os_error(exc: OSError) -> Finding:
    """The finding for a file that ``stat`` or ``open`` failed on."""
    if isinstance(exc, FileNotFoundError):
        message = "file disappeared while checking (or is a broken symbolic link)"
    elif isinstance(exc, PermissionError):
        message = "file cannot be read: permission denied"
    else:
        message = f"file cannot be read: {exc.strerror or exc}"
    return Finding(CODE, Span.point(1), message)
