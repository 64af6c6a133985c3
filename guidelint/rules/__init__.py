"""Rules, one per module, grouped by code family.

GL1xx front matter, GL2xx structure, GL3xx links, GL4xx claims, GL5xx sources and freshness,
GL9xx input errors. Modules are imported by ``guidelint.registry.load_builtin_rules``; the stages
that run before the page rules (reading, front matter, limits, suppressions, schemas) also import
the modules whose checks and builders they call. A module's ``CODE`` is the only place its code
is written. Modules starting with ``_`` hold helpers shared by several rules.
"""
