from guidelint.registry import Rule, register


@register
class YamlLimits(Rule):
    """The front matter is too large or too complex to read safely.

    What it checks: the front matter's size (``limits.max_front_matter_bytes``), its number of
    values once aliases are expanded (``limits.max_yaml_nodes``, 10,000 by default), recursive
    aliases and extreme nesting.

    Why: a "billion laughs" alias bomb expands a few lines into billions of values; guidelint
    stops at the limit, fast, instead of exhausting memory.

    ```markdown fail
    ---
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    ---
    ```

    ```markdown pass
    ---
    title: A plain page
    related: [one, two]
    ---
    ```
    """

    code = "GL907"
    emitted_by = "guidelint.frontmatter.parse (reading the YAML, under limits)"
    name = "front-matter-too-complex"
    summary = "The front matter is too large, deep or alias-heavy to read safely"
    scope = "input"
