from guidelint.registry import Rule, register


@register
class BinaryFile(Rule):
    """The file looks binary (it has NUL bytes).

    What it checks: That the file has no NUL byte: a Markdown page never has one, a picture or a document does.

    Why: A binary file with a .md name is a mistake (a renamed image, a corrupt save); parsing it would
    only produce noise.

    ```markdown fail escaped
    ---\ntitle: x\n---\n\x00\x01\x02\n
    ```

    ```markdown pass escaped
    ---\ntitle: x\n---\nText.\n
    ```
    """

    code = "GL903"
    emitted_by = "guidelint.source.decode (bytes to text)"
    name = "binary-file"
    summary = "The file looks binary (it has NUL bytes)"
    scope = "input"
