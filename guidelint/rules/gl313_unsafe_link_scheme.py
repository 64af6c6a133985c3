from __future__ import annotations

import re
from typing import TYPE_CHECKING

from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


# what each scheme does to a reader who follows the link
UNSAFE = {
    "javascript": "runs script in the reader's browser",
    "vbscript": "runs script in the reader's browser",
    "file": "names a file on the reader's own computer, which no other reader has",
    "data": "carries a whole document in the link, which browsers block or warn about "
    "and which can hold script",
}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# pictures embedded in the page: a data: image of these types is only a picture
_SAFE_DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|webp|avif)[;,]", re.I)
_IGNORED = re.compile(r"[\t\n\r]")  # browsers drop these inside a URL: "java\tscript:" is script


def unsafe_scheme(target: str, kind: str = "link") -> str | None:
    """The scheme of ``target`` if it is one that GL313 reports (lower case), else None."""
    cleaned = _IGNORED.sub("", target).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08 \x0b\x0c")
    m = _SCHEME.match(cleaned)
    if m is None:
        return None
    scheme = m.group(1).lower()
    if scheme not in UNSAFE:
        return None
    if scheme == "data" and kind == "image" and _SAFE_DATA_IMAGE.match(cleaned):
        return None
    return scheme


@register
class UnsafeLinkScheme(Rule):
    """A link uses a ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` target.

    What it checks: the target of every link, image and autolink of the body (reference-style
    ones through their definition),
    whatever its case, and also when a tab or line break hides the scheme (``java	script:``,
    which browsers read as ``javascript:``). A ``data:`` image of a picture type (PNG, GIF,
    JPEG, WebP, AVIF) is allowed: it is only a picture. Any other ``data:`` target (HTML, SVG,
    text) is reported. Raw HTML ``<a href>`` is not read.

    Why: a guide's links are followed by readers who trust the site. ``javascript:`` and
    ``vbscript:`` run code when clicked; ``data:`` can smuggle a page (or script) past the
    site; ``file:`` points at the writer's own disk and opens nothing for anyone else. Some
    renderers drop such links silently, others publish them: either way the reader loses.

    ```markdown fail
    # Apply

    [Open the form](javascript:openForm()) to apply.
    ```

    ```markdown fail
    # Apply

    The form is at [my copy](file:///home/sam/form.pdf).
    ```

    ```markdown pass
    # Apply

    Open the [application form](forms/apply.md) to apply.
    === forms/apply.md ===
    # Application form
    ```
    """

    code = "GL313"
    name = "unsafe-link-scheme"
    summary = "A link uses a javascript:, vbscript:, file: or data: target"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        for link in page.links:
            scheme = unsafe_scheme(link.target, link.kind)
            if scheme is None:
                continue
            what = "image" if link.kind == "image" else "link"
            shown = link.target if len(link.target) <= 60 else link.target[:57] + "..."
            shown = _IGNORED.sub(lambda m: repr(m.group())[1:-1], shown)  # a tab shows as \t
            yield self.finding(
                link.span,
                f"{what} target '{shown}' uses the {scheme}: scheme, which "
                f"{UNSAFE[scheme]}; link to a page of the site or an https:// address instead",
            )
