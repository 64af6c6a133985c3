"""GL401-GL409, GL411...: claim rules from the claims packs (P1-P9), run over every sentence.

The rules themselves are data (guidelint/packs/medical-assistant.yaml); this module registers the
built-in pack's claim rules in the registry. Extra packs (``claims.packs``) are registered by
``guidelint.claims.configure``.
"""

from guidelint.claims.integration import register_builtin

register_builtin(["claim"])
