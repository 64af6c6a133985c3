from guidelint.registry import Rule, register


@register
class UnreadableFile(Rule):
    """The file cannot be read.

    What it checks: The file could not be opened or read: permission denied, a broken symbolic link, a folder
    where a page was expected, or a file that disappeared while the check ran.

    Why: An unreadable page is a page nobody checked; it is reported so it is not mistaken for a clean one.
    """

    code = "GL901"
    emitted_by = "guidelint.runner.read_item (before the file is read)"
    name = "unreadable-file"
    summary = "The file cannot be read"
    scope = "input"
