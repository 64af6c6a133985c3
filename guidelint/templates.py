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

import functools
import re
from collections.abc import Iterable

# whole blocks: masked with their content
_LIQUID_BLOCKS = re.compile(
    r"\{%-?\s*(comment|highlight|capture)\b[^%]*?%\}.*?\{%-?\s*end\1\s*-?%\}"
    r"|\{%-?\s*set\s+[\w.]+\s*-?%\}.*?\{%-?\s*endset\s*-?%\}"  # a block set, not "set x = 1"
    r"|\{#.*?#\}",  # a Nunjucks comment
    re.S,
)
_LIQUID_RAW = re.compile(r"(\{%-?\s*raw\s*-?%\})(.*?)(\{%-?\s*endraw\s*-?%\})", re.S)
_SAME_PARAGRAPH = r"(?:(?!\n[ \t]*\n).)*?"  # a tag never spans a blank line
_LIQUID_TAG = re.compile(rf"\{{%{_SAME_PARAGRAPH}%\}}|\{{\{{{_SAME_PARAGRAPH}\}}\}}", re.S)
_LIQUID_LINK = re.compile(r"\{%-?\s*link\s+(?P<target>[^\s%}]+)\s*-?%\}")
_LIQUID_POST = re.compile(r"\{%-?\s*post_url\s+(?P<target>[^\s%}]+)\s*-?%\}")
_LIQUID_URL_FILTER = re.compile(
    r"\{\{-?\s*(['\"])(?P<target>[^'\"{}]*)\1\s*\|\s*(?:relative_url|absolute_url|url)\b[^{}]*?-?\}\}"
)
_HUGO_BLOCKS = re.compile(
    r"\{\{[<%]/\*.*?\*/[>%]\}\}"  # escaped shortcode: shown as written, never a link
    r"|\{\{[<%]\s*(highlight|code)\b.*?[>%]\}\}.*?\{\{[<%]\s*/\1\s*[>%]\}\}",
    re.S,
)
_HUGO_REF = re.compile(
    r"\{\{[<%]\s*(?:rel)?ref\s+(?:\"(?P<q>[^\"]*)\"|(?P<b>[^\s\"'>%]+))\s*/?[>%]\}\}"
)
_HUGO_TAG = re.compile(rf"\{{\{{[<%]{_SAME_PARAGRAPH}[>%]\}}\}}", re.S)

SYNTAXES = ("none", "liquid", "hugo")
# output tags whose value is the site's own origin or base path: a link may go on after them
_LIQUID_PREFIX = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
_URL_GOES_ON = re.compile(r"[^\s)\]>\"'|]")
UNKNOWN = "tpl:"  # a scheme: a link that starts with an unknown value is not checked


def _unknown_value(text: str, m: re.Match[str], prefixes: re.Pattern[str] | None) -> str | None:
    """For an output tag a link target goes on after (``{{ site.repository }}/issues/1``):
    ``tpl:``, so the link, whose start is unknown, is not checked. None (spaces) otherwise."""
    if m.end() - m.start() < len(UNKNOWN) or not _URL_GOES_ON.match(text, m.end()):
        return None
    if prefixes is not None and prefixes.fullmatch(m.group(0)):
        return None
    if not m.group(0).startswith("{{"):
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

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def take(a: int, b: int, keep: str | None = None) -> None:
        _replace(chars, a, b, keep)
        taken[a:b] = b"\x01" * (b - a)

    def each(regex: re.Pattern[str], whole: bool = True):
        """Matches not overlapping what was handled (``whole=False``: whose start is free,
        for blocks that may hold raw sections); a match refused is searched again one
        character on, so a tag inside it is still found."""
        pos = start
        while True:
            m = regex.search(text, pos)
            if m is None:
                return
            if m.end() > m.start() and free(m.start(), m.end() if whole else m.start() + 1):
                yield m
                pos = m.end()
            else:
                pos = m.start() + 1

    for regex in patterns:  # the site's own link tags first: they may look like any tag
        for m in each(regex):
            target = m.group("target") or ""
            if "\n" in target or len(target) > m.end() - m.start():
                continue
            take(m.start(), m.end(), target)
    if syntax == "liquid":
        for m in each(_LIQUID_RAW):  # first: a tag inside raw is text ({% raw %}{% if %}...)
            take(m.start(1), m.end(1))
            taken[m.start(2) : m.end(2)] = b"\x01" * (m.end(2) - m.start(2))  # printed as written
            take(m.start(3), m.end(3))
        for m in each(_LIQUID_BLOCKS, whole=False):
            take(m.start(), m.end())
        for m in each(_LIQUID_LINK):
            take(m.start(), m.end(), "glsrc:" + m.group("target"))
        for m in each(_LIQUID_POST):
            take(m.start(), m.end(), "glpost:" + m.group("target"))
        for m in each(_LIQUID_URL_FILTER):
            take(m.start(), m.end(), m.group("target"))
        for m in each(_LIQUID_TAG):
            take(m.start(), m.end(), _unknown_value(text, m, _LIQUID_PREFIX))
    elif syntax == "hugo":
        for m in each(_HUGO_BLOCKS):
            take(m.start(), m.end())
        for m in each(_HUGO_REF):
            target = m.group("q") if m.group("q") is not None else m.group("b")
            take(m.start(), m.end(), "glref:" + target)
        for m in each(_HUGO_TAG):
            take(m.start(), m.end(), _unknown_value(text, m, None))
    return "".join(chars)


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
