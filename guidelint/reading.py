"""Reading a file's bytes, within the configured size limit (GL901, GL908) and never through a
symbolic link that leaves the content root (GL304). The findings are worded by their rules."""

from __future__ import annotations

from guidelint.discovery import FileItem
from guidelint.finding import Finding
from guidelint.results import PageResult
from guidelint.rules import gl908_file_too_large as file_too_large
from guidelint.site import PageSummary


def escaped_result(item: FileItem) -> PageResult:
    """The result of a page that is a symbolic link leaving the content root: GL304, no lines."""
    from guidelint.rules.gl304_link_escapes_root import escaped_page

    return PageResult(
        PageSummary(item.display, None, None, ok=False),
        [escaped_page()],
        {1: None},  # no source line to show
    )


def read_item(item: FileItem, max_bytes: int) -> tuple[bytes | None, Finding | None]:
    """The bytes of ``item`` (its preloaded bytes, or its file's), or the finding that says why
    they were not read: not a regular file, over ``max_bytes``, or unreadable."""
    if item.data is not None:
        return item.data, None
    assert item.path is not None
    from guidelint.rules import gl901_unreadable_file as unreadable_file

    try:
        st = item.path.stat()
        problem = unreadable_file.check_mode(st.st_mode)  # a folder, a pipe, a device
        if problem is not None:
            return None, problem
        size = st.st_size
        problem = file_too_large.check_size(size, max_bytes)
        if problem is not None:
            return None, problem
        with open(item.path, "rb") as fh:
            # read(size + 1), not read(max_bytes + 1): that allocates the whole limit for every page
            data = fh.read(size + 1)
            if len(data) > size:  # grew since the stat: read on, up to just past the limit
                data += fh.read(max_bytes + 1 - len(data))
        return data, None
    except OSError as exc:  # gone (or a broken symbolic link), permission denied, ...
        return None, unreadable_file.from_os_error(exc)
