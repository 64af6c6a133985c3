from guidelint.registry import Rule, register


@register
class TooManyLinks(Rule):
    """The page has more links and images than ``limits.max_links`` (5,000 by default).

    What it checks: the number of links, images and autolinks on the page. The finding points
    at the first link over the limit; links after it are not checked by the link rules.

    Why: a guide page has tens of links. Thousands are a generated dump or a mistake, and
    checking every one of them against the whole site would slow every run. Split the page, or
    raise ``limits.max_links`` in the configuration if the page is meant to be that long.

    Example (with ``max_links = 2`` in ``[tool.guidelint.limits]``): the third link on
    ``[a](a.md) [b](b.md) [c](c.md)`` is reported.

    Also reported: a single paragraph with more than 10,000 ``[``. Looking for the end of each
    possible link text costs the parser about a hundred steps a bracket (40,000 of them took
    7 s), so such a paragraph is read without links, and none of them is checked.
    """

    code = "GL909"
    emitted_by = "guidelint.limits.check_page (after the page is built)"
    name = "too-many-links"
    summary = "The page has more links than limits.max_links"
    scope = "input"
