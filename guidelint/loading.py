"""Configuration plus the claim packs it names: what every entry point (the command line, worker
processes, the language server) loads before checking pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from guidelint.config import Config, ConfigError, load_config


def load_packs(config: Config, *, use_cache: bool = False) -> None:
    """Register claim-pack rules (GL4xx) from the configuration, if the claims engine is present.
    ``use_cache``: read the packs as parsed before from the cache folder when it allows
    (``guidelint.claims.packcache``; ``guidelint check`` without ``--no-cache``).
    Raises ConfigError for a bad pack."""
    try:
        from guidelint import claims
        from guidelint.claims.integration import use_pack_cache
    except ImportError:
        return
    configure: Callable[[Config], object] = claims.configure  # (the claims package is not typed)
    from guidelint.registry import load_builtin_rules

    if use_cache:
        from guidelint.claims.packcache import for_config

        use_pack_cache(for_config(config))
    else:
        use_pack_cache(None)
    # the rule modules register the built-in pack's rules when imported: import them first, so
    # that claims.builtin = false removes those rules (from `rules`, and from --select)
    load_builtin_rules()
    try:
        configure(config)
    except Exception as exc:  # a PackError or any invalid pack: a configuration error
        raise ConfigError(str(exc)) from None


def load(config_path: str | Path | None, *, use_cache: bool = False) -> Config:
    """The configuration at ``config_path`` (None: searched upward) with its packs registered.
    ``use_cache``: see ``load_packs``. Raises ConfigError."""
    config = load_config(Path(config_path) if config_path else None)
    load_packs(config, use_cache=use_cache)
    return config
