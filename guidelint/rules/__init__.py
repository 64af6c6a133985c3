"""Rules, one per module, grouped by code family.

GL1xx front matter, GL2xx structure, GL3xx links, GL4xx claims, GL5xx sources and freshness,
GL9xx input errors. Modules are imported by ``guidelint.registry.load_builtin_rules``.
"""
