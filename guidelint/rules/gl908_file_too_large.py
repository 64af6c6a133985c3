from guidelint.registry import Rule, register


@register
class FileTooLarge(Rule):
    """The file is larger than ``limits.max_file_bytes`` (5 MiB by default).

    What it checks: the file's size before it is read.

    Why: a guide page is a few kilobytes; a file of many megabytes is a generated dump or a
    mistake, and reading it would slow every run.
    """

    code = "GL908"
    name = "file-too-large"
    summary = "The file is over the size limit"
    scope = "input"
