from guidelint.registry import Rule, register


@register
class EmptyFile(Rule):
    """The file is empty (or only white space).

    What it checks: that a Markdown file under the content root has content.

    Why: an empty page is published as a blank page, or breaks the build; it is usually a file
    created and forgotten.

    ```markdown fail
    ```

    ```markdown pass
    ---
    title: Something
    ---
    ```
    """

    code = "GL904"
    emitted_by = "guidelint.source.decode (bytes to text)"
    name = "empty-file"
    summary = "The file is empty"
    scope = "input"
