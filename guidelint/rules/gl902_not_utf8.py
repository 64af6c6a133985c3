from guidelint.registry import Rule, register


@register
class NotUtf8(Rule):
    """The file is not valid UTF-8.

    What it checks: That the file's bytes decode as UTF-8 (a byte-order mark is allowed). The finding gives the line
    and column of the first byte that does not decode.

    Why: A page saved in another encoding shows garbled characters to readers and cannot be analysed.

    ```markdown fail escaped
    ---\ntitle: Caf\xe9\n---\n
    ```

    ```markdown pass escaped
    ---\ntitle: Caf\xc3\xa9\n---\n
    ```
    """

    code = "GL902"
    emitted_by = "guidelint.source.decode (bytes to text)"
    name = "not-utf8"
    summary = "The file is not valid UTF-8"
    scope = "input"
