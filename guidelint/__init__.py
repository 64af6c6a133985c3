"""guidelint: a content linter for Markdown guide sites whose readers make real decisions."""

__version__ = "0.2.0"
