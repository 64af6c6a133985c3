"""GL420: pay and outlook figures name their source and reference period (P8).

A figure is attributed by the sentence itself (source and period), by an external link plus a
period in its paragraph, or by a front-matter source with a ``period``.
"""

from guidelint.claims.integration import register_builtin

register_builtin(["figure"])
