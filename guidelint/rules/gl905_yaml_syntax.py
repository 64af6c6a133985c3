from guidelint.registry import Rule, register


@register
class YamlSyntax(Rule):
    """The front matter is not valid YAML.

    What it checks: that the block between the ``---`` lines parses as YAML (safe YAML only:
    no Python tags). The finding points at the line and column where the parser gave up.

    Why: a renderer that cannot read the front matter drops the page or renders it without a
    title; nothing else about the page can be checked either.

    ```markdown fail
    ---
    title: "An unclosed quote
    type: guide
    ---
    ```

    ```markdown pass
    ---
    title: "A closed quote"
    ---
    ```
    """

    code = "GL905"
    emitted_by = "guidelint.frontmatter.parse (reading the YAML)"
    name = "front-matter-yaml-syntax"
    summary = "The front matter is not valid YAML"
    scope = "input"
