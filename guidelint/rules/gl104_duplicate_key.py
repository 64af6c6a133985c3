from guidelint.registry import Rule, register


@register
class DuplicateKey(Rule):
    """The same key appears twice in one front-matter mapping.

    What it checks: every mapping in the front matter, at any depth. The second occurrence is
    reported, with the line of the first.

    Why: YAML loaders keep the last value and drop the first without a word, so an edit to the
    first line has no effect and nobody notices.

    ```markdown fail
    ---
    title: First title
    title: Second title
    ---
    ```

    ```markdown pass
    ---
    title: Only one title
    ---
    ```
    """

    code = "GL104"
    emitted_by = "guidelint.frontmatter.parse (while the YAML front matter is composed)"
    name = "duplicate-front-matter-key"
    summary = "A front-matter key is set twice"
    # Found while composing the YAML (guidelint.frontmatter); this class documents and selects it.
