"""Reading a file's bytes, within the configured size limit (GL901, GL908) and never through a
symbolic link that leaves the content root (GL304)."""

from __future__ import annotations

import stat

from guidelint.diagnostics import Span
from guidelint.discovery import FileItem
from guidelint.results import PageResult
from guidelint.site import PageSummary
from guidelint.source import Finding


def escaped_result(item: FileItem) -> PageResult:
    """The result of a page that is a symbolic link leaving the content root: GL304, no lines."""
    return PageResult(
        PageSummary(item.display, None, None, ok=False),
        [
            Finding(
                "GL304",
                Span.point(1),
                "this page is a symbolic link to a file outside the content root; it was not "
                "read (and --fix never writes through it): move the page into the content root",
            )
        ],
        {1: None},  # no source line to show
    )


def read_item(item: FileItem, max_bytes: int) -> tuple[bytes | None, Finding | None]:
    if item.data is not None:
        return item.data, None
    assert item.path is not None
    try:
        st = item.path.stat()
        if stat.S_ISDIR(st.st_mode):
            return None, Finding("GL901", Span.point(1), "is a folder, not a page")
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
            return None, Finding(
                "GL901",
                Span.point(1),
                "is not a regular file (a pipe, socket or device); "
                "only Markdown text pages belong in the content root",
            )
        size = st.st_size
        if size > max_bytes:
            return None, Finding(
                "GL908",
                Span.point(1),
                f"file is {size:,} bytes, over the limit of "
                f"{max_bytes:,} (limits.max_file_bytes); split the page or raise the limit",
            )
        with open(item.path, "rb") as fh:
            # read(size + 1), not read(max_bytes + 1): that allocates the whole limit for every page
            data = fh.read(size + 1)
            if len(data) > size:  # grew since the stat: read on, up to just past the limit
                data += fh.read(max_bytes + 1 - len(data))
        return data, None
    except FileNotFoundError:
        return None, Finding(
            "GL901", Span.point(1), "file disappeared while checking (or is a broken symbolic link)"
        )
    except PermissionError:
        return None, Finding("GL901", Span.point(1), "file cannot be read: permission denied")
    except OSError as exc:
        return None, Finding("GL901", Span.point(1), f"file cannot be read: {exc.strerror or exc}")
