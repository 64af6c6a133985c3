"""Template syntax masking: a pre-pass over a page's body before it is parsed as Markdown.

Static-site generators run a template language over the Markdown first: Liquid (Jekyll), Nunjucks
or Liquid (Eleventy), Hugo shortcodes. Its tags are not prose, link targets or reference labels,
so they are *masked*: replaced by spaces of the same length (line breaks kept), and every position
after them stays exact. What a tag stands for is kept where it matters:

* link tags become a target the link resolver understands, written at the tag's end after
  spaces (so that text right after the tag, ``#anchor``, stays part of it): Jekyll ``{% link path %}`` (a source file below the site root) -> ``glsrc:path``,
  ``{% post_url name %}`` -> ``glpost:name``, Hugo ``{{< ref "path" >}}`` and ``relref`` ->
  ``glref:path``; a quoted URL through ``relative_url``, ``absolute_url`` or ``url`` filters
  (``{{ '/docs/' | relative_url }}``) -> the URL itself; and each ``links.templates`` pattern (a
  regular expression with a named group ``target``) -> that group, read as a link written on
  the page;
* ``{% raw %}...{% endraw %}`` keeps its content (it is printed as written); only the two tags are
  masked. ``{% comment %}``, ``{% highlight %}`` (code), Hugo's ``highlight`` shortcode and
  escaped shortcodes ``{{</* */>}}`` are masked whole.

The masked text has exactly the characters of the original at every other position.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

# Tags are found by pairing each opener with the nearest closer after it (bisect over precomputed
# positions), never by a backtracking regex over the page: a hostile page of a million "{{" is
# linear. A tag is at most MAX_TAG characters and never spans a blank line; a Nunjucks comment
# at most MAX_COMMENT characters. Block tags pair with their end tag the same way.
MAX_TAG = 2000
MAX_COMMENT = 20000
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIQUID_BLOCK_START = re.compile(
    r"\{%-?\s*(comment|highlight|capture)\b[^%]*%\}\Z"
    r"|\{%-?\s*(set)\s+[\w.]+\s*-?%\}\Z"  # a block set, not "set x = 1"
)
_LIQUID_BLOCK_END = re.compile(r"\{%-?\s*end(comment|highlight|capture|set|raw)\s*-?%\}\Z")
_LIQUID_RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}\Z")
_LIQUID_LINK = re.compile(r"\{%-?\s*link\s+(?P<target>[^\s%}]+)\s*-?%\}\Z")
_LIQUID_POST = re.compile(r"\{%-?\s*post_url\s+(?P<target>[^\s%}]+)\s*-?%\}\Z")
_LIQUID_URL_FILTER = re.compile(
    r"\{\{-?\s*(['\"])(?P<target>[^'\"{}]*)\1\s*\|\s*(?:relative_url|absolute_url|url)\b[^{}]*\}\}\Z"
)
_HUGO_BLOCK_START = re.compile(r"\{\{[<%]\s*(highlight|code)\b[^\n]*[>%]\}\}\Z")
_HUGO_BLOCK_END = re.compile(r"\{\{[<%]\s*/(highlight|code)\s*[>%]\}\}\Z")
_HUGO_REF = re.compile(
    r"\{\{[<%]\s*(?:rel)?ref\s+(?:\"(?P<q>[^\"]*)\"|(?P<b>[^\s\"'>%]+))\s*/?[>%]\}\}\Z"
)


class _Tags:
    """The template tags of a text: (start, end) spans in document order."""

    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.blanks = [m.start() for m in _BLANK_LINE.finditer(text, start)]

    def _positions(self, token: str, start: int) -> list[int]:
        out = []
        i = self.text.find(token, start)
        while i != -1:
            out.append(i)
            i = self.text.find(token, i + 1)
        return out

    def spans(
        self, opener: str, closer: str, start: int, limit: int = MAX_TAG, paragraph: bool = True
    ) -> list[tuple[int, int]]:
        closers = self._positions(closer, start)
        out: list[tuple[int, int]] = []
        end = start
        for i in self._positions(opener, start):
            if i < end:
                continue  # inside the previous tag
            k = bisect.bisect_left(closers, i + len(opener))
            if k == len(closers):
                continue
            close = closers[k] + len(closer)
            if close - i > limit:
                continue
            if paragraph:
                b = bisect.bisect_left(self.blanks, i)
                if b < len(self.blanks) and self.blanks[b] < closers[k]:
                    continue  # a blank line before the closer: not a tag
            out.append((i, close))
            end = close
        return out


SYNTAXES = ("none", "liquid", "hugo")
# output tags whose value is the site's own origin or base path: a link may go on after them
_LIQUID_PREFIX = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
_URL_GOES_ON = re.compile(r"[^\s)\]>\"'|]")
UNKNOWN = "tpl:"  # a scheme: a link that starts with an unknown value is not checked


def _unknown_value(text: str, a: int, b: int, prefixes: re.Pattern[str] | None) -> str | None:
    """For an output tag a link target goes on after (``{{ site.repository }}/issues/1``):
    ``tpl:``, so the link, whose start is unknown, is not checked. None (spaces) otherwise."""
    if b - a < len(UNKNOWN) or not _URL_GOES_ON.match(text, b):
        return None
    if prefixes is not None and prefixes.fullmatch(text, a, b):
        return None
    if not text.startswith("{{", a):
        return None
    return UNKNOWN


def _blank(text: str) -> str:
    """Spaces for every character of ``text`` but line breaks."""
    return "".join(ch if ch in "\r\n" else " " for ch in text)


def _replace(chars: list[str], start: int, end: int, keep: str | None = None) -> None:
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "
    if keep:  # at the end of the tag: "{{ site.baseurl }}/docs/" and "{% link x %}#a" still read
        chars[end - len(keep) : end] = list(keep)


def mask(text: str, syntax: str, patterns: Iterable[re.Pattern[str]] = (), start: int = 0) -> str:
    """``text`` with template tags masked from offset ``start`` on (the body, after the front
    matter). ``syntax``: none, liquid or hugo; ``patterns``: the site's own link tags."""
    patterns = tuple(patterns)
    if syntax == "none" and not patterns:
        return text
    if not patterns and "{" not in text[start:]:
        return text  # the same object: nothing was masked
    chars = list(text)
    taken = bytearray(len(text))  # 1 where a tag was already handled

    def take(a: int, b: int, keep: str | None = None) -> None:
        _replace(chars, a, b, keep)
        taken[a:b] = b"\x01" * (b - a)

    for regex in patterns:  # the site's own link tags first: they may look like any tag
        pos = start
        while True:
            m = regex.search(text, pos)
            if m is None:
                break
            pos = max(m.end(), m.start() + 1)
            if m.end() == m.start() or any(taken[m.start() : m.end()]):
                continue
            target = m.group("target") or ""
            if "\n" not in target and len(target) <= m.end() - m.start():
                take(m.start(), m.end(), target)
    if syntax == "liquid":
        _mask_liquid(text, start, taken, take)
    elif syntax == "hugo":
        _mask_hugo(text, start, taken, take)
    return "".join(chars)


def _blocks(starts, ends) -> list[tuple[int, int, int, int]]:
    """Pair each block start tag with the next end tag of its kind:
    (start, end of the start tag, start of the end tag, end)."""
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for a, b, kind in ends:
        by_kind.setdefault(kind, []).append((a, b))
    out = []
    done = 0
    for a, b, kind in starts:
        if a < done:
            continue
        closes = by_kind.get(kind, [])
        k = bisect.bisect_left(closes, (b, 0))
        if k < len(closes):
            out.append((a, b, closes[k][0], closes[k][1]))
            done = closes[k][1]
    return out


def _mask_liquid(text: str, start: int, taken: bytearray, take) -> None:
    tags = _Tags(text, start)
    spans = sorted(tags.spans("{%", "%}", start) + tags.spans("{{", "}}", start))
    # raw first: the tags inside a raw section are text
    raws = [(a, b, "raw") for a, b in spans if _LIQUID_RAW_START.match(text, a, b)]
    ends = []
    for a, b in spans:
        m = _LIQUID_BLOCK_END.match(text, a, b)
        if m:
            ends.append((a, b, m.group(1)))
    inside = bytearray(len(text))
    for a, b, c, d in _blocks(raws, ends):
        take(a, b)
        take(c, d)
        inside[b:c] = b"\x01" * (c - b)  # printed as written
    starts = []
    for a, b in spans:
        if inside[a] or taken[a]:
            continue
        m = _LIQUID_BLOCK_START.match(text, a, b)
        if m:
            starts.append((a, b, m.group(1) or m.group(2)))
    for a, _b, _c, d in _blocks(starts, ends):
        if not inside[a]:
            take(a, d)
    for a, b in tags.spans("{#", "#}", start, MAX_COMMENT, paragraph=False):  # Nunjucks comments
        if not taken[a] and not inside[a]:
            take(a, b)
    for a, b in spans:
        if taken[a] or inside[a] or any(taken[a:b]):
            continue
        m = _LIQUID_LINK.match(text, a, b)
        if m:
            take(a, b, "glsrc:" + m.group("target"))
            continue
        m = _LIQUID_POST.match(text, a, b)
        if m:
            take(a, b, "glpost:" + m.group("target"))
            continue
        m = _LIQUID_URL_FILTER.match(text, a, b)
        if m:
            take(a, b, m.group("target"))
            continue
        take(a, b, _unknown_value(text, a, b, _LIQUID_PREFIX))


def _mask_hugo(text: str, start: int, taken: bytearray, take) -> None:
    tags = _Tags(text, start)
    for a, b in tags.spans("{{</*", "*/>}}", start) + tags.spans("{{%/*", "*/%}}", start):
        take(a, b)  # an escaped shortcode: shown as written, never a link
    spans = sorted(tags.spans("{{<", ">}}", start) + tags.spans("{{%", "%}}", start))
    spans = [(a, b) for a, b in spans if not taken[a]]
    starts, ends = [], []
    for a, b in spans:
        m = _HUGO_BLOCK_START.match(text, a, b)
        if m:
            starts.append((a, b, m.group(1)))
        m = _HUGO_BLOCK_END.match(text, a, b)
        if m:
            ends.append((a, b, m.group(1)))
    for a, _b, _c, d in _blocks(starts, ends):
        take(a, d)
    for a, b in spans:
        if any(taken[a:b]):
            continue
        m = _HUGO_REF.match(text, a, b)
        if m:
            target = m.group("q") if m.group("q") is not None else m.group("b")
            take(a, b, "glref:" + target)
            continue
        take(a, b, _unknown_value(text, a, b, None))


_SHOWN = {"glsrc": "{%% link %s %%}", "glpost": "{%% post_url %s %%}", "glref": '{{< ref "%s" >}}'}


_TAGGED_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]*\{[{%]", re.M)


def builds_references(text: str, start: int = 0) -> bool:
    """A reference definition whose label is written by a template tag (``[#{{ n }}]: ...``)."""
    return _TAGGED_DEFINITION.search(text, start) is not None


_INCLUDES = re.compile(
    r"\{%-?\s*include(?:_relative)?\s+['\"]?\S+\.(?:md|markdown)\b"  # Jekyll, Eleventy
    r"|\{\{[<%]\s*(?:include|readfile)\b"  # Hugo shortcodes that insert a file
    r"|^[ \t]*\{\{%\s*[\w-]+[^/%\n]*%\}\}[ \t]*$"  # a Hugo shortcode whose Markdown output is a block
    r"|^[ \t]*;?--8<--"  # pymdownx.snippets
    r"|^:::[ \t]*\S"  # mkdocstrings, mkdocs-click: generated documentation
    r"|^import\s+\w+\s+from\s+['\"][^'\"]+\.mdx?['\"]",  # MDX: another page's content
    re.M,
)


_ATTRIBUTE_ID = re.compile(r"\{:?[ \t]*#([A-Za-z][\w:.-]*)[^{}\n]*\}")


def attribute_ids(text: str, start: int = 0) -> list[str]:
    """Ids set by attribute lists anywhere in the body (``**locale**{ #theme-locale }``)."""
    return [m.group(1) for m in _ATTRIBUTE_ID.finditer(text, start)]


_DEFINITION_TERM = re.compile(r"^(?!```|~~~)([^\s:>#|-][^\n]*)\n(?=:[ \t]+\S)", re.M)


def reslug(page, style: str, drop: str) -> None:
    """Give the headings the ids of a slug function that first deletes the characters in
    ``drop`` (``links.slug_drop``); explicit ids stay."""
    import dataclasses

    from guidelint.slug import Slugger, slugify

    table = str.maketrans("", "", drop)
    slugger = Slugger(style)
    for i, heading in enumerate(page.headings):
        base = slugify(heading.text, style)
        explicit = heading.anchor != base and not re.fullmatch(
            re.escape(base) + r"-\d+", heading.anchor
        )
        anchor = slugger.slug(heading.text.translate(table), heading.anchor if explicit else None)
        if anchor != heading.anchor:
            page.headings[i] = dataclasses.replace(heading, anchor=anchor)


def number_with_terms(page, text: str, start: int, style: str) -> None:
    """Hugo's ``autoDefinitionTermID``: a definition-list term (``Term`` then ``: definition``)
    gets an id, numbered together with the headings in document order (a term ``matchers``
    before a heading ``Matchers`` makes the heading ``matchers-1``). Adds the terms' ids to
    ``page.html_anchors`` and renumbers the headings' ids."""
    import dataclasses

    from guidelint.slug import Slugger, slugify

    terms = []
    for m in _DEFINITION_TERM.finditer(text, start):
        term = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(1)).strip()  # a link's text
        terms.append((text.count("\n", 0, m.start()) + 1, term))
    if not terms:
        return
    items = [(h.line, 0, i, h.text) for i, h in enumerate(page.headings)]
    items += [(line, 1, i, term) for i, (line, term) in enumerate(terms)]
    slugger = Slugger(style)
    for _line, kind, i, label in sorted(items):
        if kind == 1:
            page.html_anchors.append(slugger.slug(label))
            continue
        heading = page.headings[i]
        base = slugify(label, style)
        explicit = heading.anchor != base and not re.fullmatch(
            re.escape(base) + r"-\d+", heading.anchor
        )
        anchor = slugger.slug(label, heading.anchor if explicit else None)
        if anchor != heading.anchor:
            page.headings[i] = dataclasses.replace(heading, anchor=anchor)


_FOOTNOTE = re.compile(r"^[ \t]{0,3}\[\^([^\]\s]+)\]:", re.M)


def footnote_ids(text: str, start: int = 0) -> list[str]:
    """The ids Python-Markdown and kramdown give a footnote [^x] and its reference."""
    out = []
    for m in _FOOTNOTE.finditer(text, start):
        out += [f"fn:{m.group(1)}", f"fnref:{m.group(1)}"]
    return out


def includes_content(text: str, start: int = 0) -> bool:
    """The page inserts content from elsewhere (an include, a snippet, generated API docs): it
    may have headings guidelint cannot see, so its anchors are not checked."""
    return _INCLUDES.search(text, start) is not None


def shown_target(target: str) -> str:
    """A link target as the writer wrote it: the template tag for a masked link tag."""
    kind, sep, rest = target.partition(":")
    if sep and kind in _SHOWN:
        return _SHOWN[kind] % rest
    return target


# Python-Markdown blocks whose indented content is Markdown: admonitions (!!! note), details
# (??? note, ???+ note) and content tabs (=== "Tab")
_MKDOCS_BLOCK = re.compile(r"^([ \t]*)(?:!!!|\?\?\?\+?|===\+?)(?=[ \t]|$)[^\n]*$", re.M)


def unfold_blocks(text: str, start: int = 0) -> str:
    """MkDocs: each admonition, details or tab line becomes a list item of the same length
    (its first two characters turn into "- "), so that its indented content is read as Markdown
    (not as indented code) and keeps every position."""
    if "!!!" not in text and "???" not in text and "===" not in text:
        return text

    def marker(m: re.Match[str]) -> str:  # '!!! note "Title"' -> '- ! note "Title"'
        indent = m.group(1)
        rest = m.group(0)[len(indent) :]
        return indent + "- " + rest[2:]

    return text[:start] + _MKDOCS_BLOCK.sub(marker, text[start:])


def mask_for(text: str, config, start: int = 0) -> str:
    """``mask`` with the syntax and link tags the configuration gives."""
    from guidelint.sitemodel import template_syntax

    if config["generator"] == "mkdocs":
        text = unfold_blocks(text, start)
    return mask(
        text, template_syntax(config), compile_patterns(config.get("links.templates")), start
    )


@functools.lru_cache(maxsize=8)
def compile_patterns(sources: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """``links.templates``: each a regular expression with a named group ``target``."""
    out = []
    for source in sources:
        regex = re.compile(source, re.S)
        if "target" not in regex.groupindex:
            raise ValueError(f"{source!r} has no named group (?P<target>...)")
        out.append(regex)
    return tuple(out)
