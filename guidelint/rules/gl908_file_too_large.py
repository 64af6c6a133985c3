from guidelint.registry import Rule, register


@register
class FileTooLarge(Rule):
    """The file is larger than ``limits.max_file_bytes`` (5 MiB by default), or has more Markdown
    blocks than ``limits.max_blocks`` (200,000 of the parser's block tokens).

    What it checks: the file's size before it is read; while the page is parsed, the number of
    block tokens made so far (parsing stops, at the line reported, when it goes over).

    Why: a guide page is a few kilobytes; a file of many megabytes is a generated dump or a
    mistake, and reading it would slow every run. The parser keeps an object for every
    paragraph, list item and table cell: a 5 MB list or table took 2 GB of memory and a minute.
    """

    code = "GL908"
    emitted_by = "guidelint.runner.read_item and guidelint.source.decode (size), guidelint.runner.analyze (limits.max_blocks)"
    name = "file-too-large"
    summary = "The file is over the size limit"
    scope = "input"
