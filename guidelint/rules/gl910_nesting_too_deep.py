from guidelint.registry import Rule, register


@register
class NestingTooDeep(Rule):
    """Lists and blockquotes are nested deeper than ``limits.max_nesting`` (50 by default).

    What it checks: the depth of containers (each blockquote, list and list item is one level)
    anywhere on the page. The finding points at the line where the depth first goes over the
    limit. The Markdown parser stops nesting at 100 levels: content deeper than that is not
    parsed, so the limit cannot be raised above 99.

    Why: no reader follows fifty levels of nesting; such a page is generated or broken, and
    deeply nested input is a classic way to make parsers slow or crash.

    ```markdown fail
    >>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>> Fifty-one levels of blockquote.
    ```

    ```markdown pass
    > A quote.
    >
    > > A quote inside a quote.

    - A list
      - with a nested item.
    ```
    """

    code = "GL910"
    emitted_by = "guidelint.limits.check_page (after the page is built)"
    name = "nesting-too-deep"
    summary = "Lists and blockquotes are nested deeper than limits.max_nesting"
    scope = "input"
