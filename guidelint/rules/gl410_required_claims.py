"""GL410: a page type or section must make a claim in hedged form (pack ``required_claims``).

Reported on the section heading, or on the H1 when the whole page lacks it.
"""

from guidelint.claims.integration import register_builtin

register_builtin(["required"])
