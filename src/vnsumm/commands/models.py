"""`vnsumm models ...`: the model registry: list, download, check, clear conversions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vnsumm.backends import ModelSpecBase
from vnsumm.commands import ModelsOpt, app, err, out
from vnsumm.errors import ConfigError
from vnsumm.registry import load_registry

models_app = typer.Typer(no_args_is_help=True, help="The model registry: list, download, check.")
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list(models: ModelsOpt = None) -> None:
    """Show the registry: one line per entry, whole model ids (tab-separated, for copying and scripts)."""
    registry = load_registry(models)
    out.print(f"# models in {registry.path}", markup=False)
    out.print("\t".join(("role", "name", "backend", "model", "revision", "licence")), markup=False)
    for role in ("summarizer", "translator"):
        default = registry.default_summarizer if role == "summarizer" else registry.default_translator
        for name, spec in registry.entries(role).items():
            label = f"{name} (default)" if name == default else name
            identity = spec.identity()
            row = (role, label, spec.backend, identity.model or "-", identity.revision or "-", spec.licence or "-")
            out.print("\t".join(row), markup=False)


def _selected(models: Path | None, names: list[str] | None) -> list[ModelSpecBase]:
    registry = load_registry(models)
    entries = {**registry.summarizers, **registry.translators}
    unknown = [n for n in names or [] if n not in entries]
    if unknown:
        raise ConfigError(f"unknown model name(s) {', '.join(unknown)}: see `vnsumm models list`")
    return [entries[n] for n in names] if names else list(entries.values())


@models_app.command("pull")
def models_pull(names: Annotated[list[str] | None, typer.Argument(help="Names (default: all).")] = None,
                models: ModelsOpt = None) -> None:
    """Download models into the Hugging Face cache (needs the network)."""
    for spec in _selected(models, names):
        if not spec.needs_weights:
            out.print(f"{spec.name}: ships with vnsumm, nothing to download", markup=False)
            continue
        err.print(f"pulling {spec.name} ({spec.identity().model}@{spec.identity().revision or 'main'})", markup=False)
        out.print(f"{spec.name}: {spec.locate(download=True)}", markup=False)


@models_app.command("check")
def models_check(models: ModelsOpt = None) -> None:
    """Which entries run offline now, and what to do for the others. Exit 1 when some cannot."""
    from vnsumm.errors import ModelUnavailable

    missing = 0
    for spec in _selected(models, None):
        if not spec.needs_weights:
            out.print(f"ok       {spec.name}: embedded in vnsumm, runs offline", markup=False)
            continue
        try:
            out.print(f"ok       {spec.name}: {spec.locate(download=False)}", markup=False)
        except ModelUnavailable as exc:
            missing += 1
            out.print(f"missing  {spec.name}: {exc}", markup=False)
    raise typer.Exit(1 if missing else 0)


@models_app.command("clear-conversions")
def models_clear_conversions() -> None:
    """Remove the cached CTranslate2 conversions (the next run converts again)."""
    from vnsumm.models.convert import clear_conversions, ct2_cache_dir

    out.print(f"removed {clear_conversions()} conversions from {ct2_cache_dir()}", markup=False)


