from guidelint.registry import Rule, register


@register
class InternalError(Rule):
    """guidelint failed on this file.

    What it checks: guidelint itself failed while checking the file. The message names the error; please report
    it with the file. The rest of the site is still checked.

    Why: An internal error is a bug in guidelint, never in the page; it is reported instead of a
    traceback so one odd file cannot hide the findings of every other.
    """

    code = "GL900"
    emitted_by = "guidelint.runner.analyze (a rule or the page model raised)"
    name = "internal-error"
    summary = "guidelint failed on this file"
    scope = "input"
