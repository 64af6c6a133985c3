"""``guidelint lsp``: a language server for guide sites (needs the ``lsp`` extra: pygls)."""
