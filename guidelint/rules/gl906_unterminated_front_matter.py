from guidelint.registry import Rule, register


@register
class UnterminatedFrontMatter(Rule):
    """Front matter opened with ``---`` on the first line is never closed.

    What it checks: that a closing ``---`` (or ``...``) line follows the opening one.

    Why: without the closing line the whole page is read as front matter (or as text with YAML
    in it), depending on the renderer.

    ```markdown fail
    ---
    title: A page

    # A page
    ```

    ```markdown pass
    ---
    title: A page
    ---

    # A page
    ```
    """

    code = "GL906"
    emitted_by = "guidelint.frontmatter.split (finding the front matter)"
    name = "unterminated-front-matter"
    summary = "The front matter has no closing ---"
    scope = "input"
