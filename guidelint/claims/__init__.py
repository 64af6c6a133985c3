"""The claims engine: rule packs (policy as data) and per-sentence claim detection.

Public API::

    from guidelint.claims import Engine, PackError, load_pack
    engine = Engine.load(extra_pack_paths, builtin=True, disabled={"GL405"}, severities={"GL405": "error"})
    for m in engine.check("You must be certified.", lead_in=None):
        m.code, m.start, m.end, m.message, m.suggestion, m.why
"""

from .engine import ClaimMatch, Engine, FigureContext
from .evaluate import evaluate, format_report, format_summary
from .pack import ClaimRule, FigureRule, Pack, PackError, Requirement, builtin_pack_paths, load_pack


def configure(config):
    """Apply the configuration's claims.builtin / claims.packs (raises PackError on a bad pack)."""
    from .integration import configure as _configure

    return _configure(config)


def compile_engine(config, selected):
    """Compile the configuration's engine now if one of its rules is selected (before forking)."""
    from .integration import compile_engine as _compile_engine

    _compile_engine(config, selected)


__all__ = [
    "ClaimMatch",
    "ClaimRule",
    "Engine",
    "FigureContext",
    "FigureRule",
    "Pack",
    "PackError",
    "Requirement",
    "builtin_pack_paths",
    "compile_engine",
    "configure",
    "evaluate",
    "format_report",
    "format_summary",
    "load_pack",
]
