"""Heading slugs: the anchor a renderer gives a heading, for each common generator.

``links.slug_style`` picks one; each follows the generator's own code (read from its source):

``github`` (default; also ``docusaurus``, which uses the same library)
    github-slugger 2: lowercase, then remove every character of the Unicode categories Other
    Number (``²``, ``½``), all punctuation but ``-`` and ``_`` (connector punctuation is kept),
    symbols (emoji), controls, format characters, private use and separators other than the
    space, unless the character is alphabetic (circled letters such as ``Ⓐ`` stay); letters,
    combining marks (``हिन्दी`` keeps its vowel signs), decimal digits and letter numbers stay.
    Each space becomes ``-`` (runs are not collapsed). Repeats get ``-1``, ``-2``..., skipping a
    slug already taken. The form (NFC or NFD) of the heading is kept, as the browser compares
    code points: an NFD ``é`` stays ``e`` + U+0301.
``gitlab``
    github, then runs of ``-`` collapsed.
``plain``
    lowercase words joined by single ``-`` (letters and digits only).
``kramdown``
    kramdown's ``basic_generate_id`` (input ``kramdown``): drop leading characters up to the first
    ASCII letter, keep only ``a-zA-Z0-9``, space and ``-``, spaces become ``-``, lowercase; empty
    gives ``section``; repeats get ``-1``, ``-2``....
``jekyll``
    kramdown's GFM parser (Jekyll's default, ``input: GFM``): typographic ``--``/``---`` become
    dashes (then dropped), lowercase, drop what is not a letter, mark, decimal digit, ``_``, ``-``,
    space or tab; space and tab become ``-``; repeats get ``-1``, ``-2``... (no check against a
    slug taken by another heading).
``hugo``
    Hugo's ``autoHeadingIDType = "github"`` (the default): ``-``, space and tab become ``-``;
    letters, decimal digits and ``_`` are kept lowercased; everything else, combining marks
    included, is dropped. Empty gives ``heading``; repeats get ``-1``, ``-2``....
``goldmark``
    goldmark's own ``parser.WithAutoHeadingID``: like ``hugo`` but ASCII only, and ``_`` becomes
    ``-``.
``python-markdown``
    Python-Markdown's ``toc`` extension (MkDocs): NFKD, drop non-ASCII (``café`` -> ``cafe``),
    drop what is not a word character, space or ``-``, strip, lowercase, runs of ``-`` and
    spaces become one ``-``. Repeats get ``_1``, ``_2``.... ``python-markdown-unicode`` is its
    ``slugify_unicode`` (no ASCII step).
``markdown-it-anchor``
    markdown-it-anchor's default: trim, lowercase, runs of white space become ``-`` (its
    percent-encoding is undone, as link anchors are compared decoded). Repeats get ``-1``....
``eleventy``
    Eleventy's ``slugify`` filter (@sindresorhus/slugify, ``decamelize: false``) as used with
    markdown-it-anchor: ``&`` becomes ``and``, Latin letters are transliterated (``ß`` -> ``ss``,
    ``ä`` -> ``ae``, accents dropped), lowercase, runs of anything but ``a-z0-9`` become one ``-``,
    trimmed. Scripts other than Latin are transliterated by Eleventy with tables guidelint does not
    carry: their letters are dropped here.
``sindresorhus-slugify``
    @sindresorhus/slugify 3 called with its defaults (a site's own slugify function): as
    ``eleventy``, but camelCase words are split first (``addPassthroughCopy`` ->
    ``add-passthrough-copy``).

Explicit ids: with every style but ``github``, ``gitlab`` and ``plain`` (whose renderers show it
as text), a heading ending in ``{#id}`` or ``{: #id}`` (kramdown, Hugo, Python-Markdown's
attr_list, Docusaurus, markdown-it-attrs) gets that id, and the attribute is not part of its text.
With ``kramdown`` and ``jekyll``, a ``{: #id}`` line right after an ATX heading does the same.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")

# ---------------------------------------------------------------- github-slugger
# General categories github-slugger removes (script/generate-regex.js), unless the character is
# alphabetic. Kept: letters, marks, Nd, Nl, Pc, the space and '-'.
_GITHUB_REMOVE = frozenset(
    {"No", "Pe", "Pf", "Pi", "Ps", "Po", "Pd", "Sm", "Sc", "Sk", "So", "Cc", "Co", "Cf", "Cn"}
    | {"Zs", "Zl", "Zp"}
)
# Other_Alphabetic characters among the removed categories (So): circled and squared letters
_ALPHABETIC_SYMBOLS = (
    (0x24B6, 0x24E9),
    (0x1F130, 0x1F149),
    (0x1F150, 0x1F169),
    (0x1F170, 0x1F189),
)


def _alphabetic_symbol(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _ALPHABETIC_SYMBOLS)


def _github_keep(ch: str) -> bool:
    if ch in " -":
        return True
    if unicodedata.category(ch) not in _GITHUB_REMOVE:
        return True
    return _alphabetic_symbol(ord(ch))


_GITHUB_ASCII_DROP = re.compile(r"[^a-z0-9 _\-]")  # in ASCII, what the categories above remove


def _github(text: str) -> str:
    low = text.lower()
    if low.isascii():  # most headings: one regular expression instead of a lookup per character
        return _GITHUB_ASCII_DROP.sub("", low).replace(" ", "-")
    return "".join(ch for ch in low if _github_keep(ch)).replace(" ", "-")


def _gitlab(text: str) -> str:
    return re.sub(r"-{2,}", "-", _github(text))


_PLAIN_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def _plain(text: str) -> str:
    return "-".join(_PLAIN_WORDS.findall(text.lower()))


# ---------------------------------------------------------------- kramdown / Jekyll
_KRAMDOWN_LEAD = re.compile(r"^[^a-zA-Z]+")
_KRAMDOWN_DROP = re.compile(r"[^a-zA-Z0-9 \-]")


def _kramdown(text: str) -> str:
    out = _KRAMDOWN_DROP.sub("", _KRAMDOWN_LEAD.sub("", text)).replace(" ", "-").lower()
    return out or "section"


def _ruby_word(ch: str) -> bool:
    """Onigmo's \\p{Word}: alphabetic, marks, decimal digits, connector punctuation."""
    cat = unicodedata.category(ch)
    return cat[0] in "LM" or cat in ("Nd", "Nl", "Pc") or _alphabetic_symbol(ord(ch))


def _jekyll(text: str) -> str:
    # kramdown's typographic symbols: '---' and '--' turn into dashes (not word characters)
    text = text.replace("---", "\u2014").replace("--", "\u2013").lower()
    text = "".join(ch for ch in text if ch in "- \t" or _ruby_word(ch))
    return text.replace(" ", "-").replace("\t", "-")


# ---------------------------------------------------------------- Hugo / goldmark
def _hugo(text: str) -> str:
    out = []
    for ch in text:
        if ch in "- \t":
            out.append("-")
        elif ch == "_" or (ch.isalpha() and unicodedata.category(ch)[0] == "L"):
            out.append(ch.lower())
        elif unicodedata.category(ch) == "Nd":
            out.append(ch)
    return "".join(out) or "heading"


def _goldmark(text: str) -> str:
    out = []
    for ch in text.strip(" \t\n\r\f\v"):
        if ch.isascii() and ch.isalnum():
            out.append(ch.lower())
        elif ch in " \t\n\r\f\v-_":
            out.append("-")
    return "".join(out) or "heading"


# ---------------------------------------------------------------- Python-Markdown
_PYMD_DROP = re.compile(r"[^\w\s-]")
_PYMD_SEP = re.compile(r"[-\s]+")


def _python_markdown(text: str, ascii_only: bool = True) -> str:
    if ascii_only:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _PYMD_DROP.sub("", text).strip().lower()
    return _PYMD_SEP.sub("-", text)


def _python_markdown_unicode(text: str) -> str:
    return _python_markdown(text, ascii_only=False)


# ---------------------------------------------------------------- markdown-it-anchor / Eleventy
def _markdown_it_anchor(text: str) -> str:
    return _WS.sub("-", text.strip().lower())


_TRANSLIT = {
    "ß": "ss",
    "ẞ": "SS",
    "ä": "ae",
    "Ä": "Ae",
    "ö": "oe",
    "Ö": "Oe",
    "ü": "ue",
    "Ü": "Ue",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "ł": "l",
    "Ł": "L",
    "þ": "th",
    "Þ": "TH",
    "&": " and ",
    "♥": " love ",
}
# Russian Cyrillic, as @sindresorhus/transliterate writes it
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "yo",
            "zh",
            "z",
            "i",
            "j",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "c",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
        ],
    )
)
for _k, _v in list(_CYRILLIC.items()):
    _TRANSLIT[_k] = "" if _v == "-" else _v
    _TRANSLIT[_k.upper()] = ("" if _v == "-" else _v).capitalize()
_CONTRACTION = re.compile(r"([a-z\d])['\u2019]([ts])(?![a-z\d])", re.IGNORECASE)
_TRANSLIT_RE = re.compile("|".join(map(re.escape, _TRANSLIT)))
_ELEVENTY_SEP = re.compile(r"[^a-z0-9]+")


_DECAMELIZE = (
    (re.compile(r"([A-Z]{2})(\d+)"), r"\1 \2"),
    (re.compile(r"([a-z\d])([A-Z])"), r"\1 \2"),
    (re.compile(r"([A-Z])([A-Z](?!s(?![a-z]))[a-z\d]+)"), r"\1 \2"),
)


def _sindresorhus(text: str) -> str:
    """@sindresorhus/slugify 3 with its default options (decamelize on)."""
    text = _TRANSLIT_RE.sub(lambda m: _TRANSLIT[m.group(0)], unicodedata.normalize("NFC", text))
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    for regex, repl in _DECAMELIZE:
        text = regex.sub(repl, text)
    return _eleventy(text)


def _eleventy(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _TRANSLIT_RE.sub(lambda m: _TRANSLIT[m.group(0)], text)
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    text = _CONTRACTION.sub(r"\1\2", text.lower())
    return _ELEVENTY_SEP.sub("-", text).strip("-")


# style -> (slug function, how repeats are numbered)
#   "github": base-N, N counting per base, skipping slugs already taken
#   "counter": base-N, N counting per base, no check against other slugs (kramdown)
#   "python": base_N (Python-Markdown's unique())
STYLES = {
    "github": (_github, "github"),
    "gitlab": (_gitlab, "github"),
    "plain": (_plain, "github"),
    "docusaurus": (_github, "github"),
    "kramdown": (_kramdown, "counter"),
    "jekyll": (_jekyll, "counter"),
    "hugo": (_hugo, "taken"),
    "goldmark": (_goldmark, "taken"),
    "python-markdown": (_python_markdown, "python"),
    "python-markdown-unicode": (_python_markdown_unicode, "python"),
    "markdown-it-anchor": (_markdown_it_anchor, "taken"),
    "eleventy": (_eleventy, "taken"),
    "sindresorhus-slugify": (_sindresorhus, "taken"),
}
# styles whose renderer reads a trailing {#id} as the heading's id
EXPLICIT_ID_STYLES = frozenset(STYLES) - {"github", "gitlab", "plain"}

# no leading or overlapping white-space runs: linear on any heading (hostile input)
_EXPLICIT_ID = re.compile(r"\{:?[ \t]*#([^\s{}]+)(?:[ \t][^{}]*)?\}[ \t]*$")


def split_explicit_id(text: str, style: str = "github") -> tuple[str, str | None]:
    """A heading's text without a trailing ``{#id}`` attribute, and the id (None: none, or the
    style's renderer does not read one)."""
    if style not in EXPLICIT_ID_STYLES or "{" not in text:
        return text, None
    m = _EXPLICIT_ID.search(text)
    if m is None:
        return text, None
    return text[: m.start()].rstrip(), m.group(1)


_NEXT_LINE_IAL = re.compile(r"^[ \t]{0,3}\{:[ \t]*#([^\s{}]+)[^{}]*\}[ \t]*$")


def next_line_id(lines: list[str], index: int, style: str) -> str | None:
    """kramdown's block attribute list on the line after a heading (``{: #id}``) sets its id."""
    if style not in ("kramdown", "jekyll") or index >= len(lines):
        return None
    m = _NEXT_LINE_IAL.match(lines[index])
    return m.group(1) if m else None


def slugify(text: str, style: str = "github") -> str:
    return STYLES[style][0](text)


class Slugger:
    """Gives unique anchors for the headings of one page, in document order."""

    def __init__(self, style: str = "github") -> None:
        self.style = style
        self.fn, self.repeats = STYLES[style]
        self.seen: dict[str, int] = {}

    def slug(self, text: str, explicit: str | None = None) -> str:
        if explicit is not None:
            self.seen.setdefault(explicit, 0)
            return explicit
        base = self.fn(text)
        seen = self.seen
        if self.repeats == "counter":
            if base in seen:
                seen[base] += 1
                return f"{base}-{seen[base]}"
            seen[base] = 0
            return base
        if self.repeats == "python":
            candidate = base
            while candidate in seen or not candidate:
                m = re.match(r"^(.*)_([0-9]+)$", candidate)
                candidate = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{candidate}_1"
            seen[candidate] = 0
            return candidate
        if self.repeats == "taken":
            candidate, n = base, 0
            while candidate in seen:
                n += 1
                candidate = f"{base}-{n}"
            seen[candidate] = 0
            return candidate
        # github-slugger
        if base not in seen:
            seen[base] = 0
            return base
        while True:
            seen[base] += 1
            candidate = f"{base}-{seen[base]}"
            if candidate not in seen:
                seen[candidate] = 0
                return candidate


def normalize_label(label: str) -> str:
    """A reference label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return _WS.sub(" ", label.strip()).casefold()
