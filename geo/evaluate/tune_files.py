"""What ``routerisk tune`` writes: tuned.toml with provenance, the tables and the heatmap."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo._config import dump_toml, read_config
from geo.export import atomic_output, write_csv
from geo.risk import RiskModel

__all__ = ["tuned_toml", "write_tune_outputs"]


def tuned_toml(*, base: RiskModel, config: Path | None, final: tuple[float, float, int],
               header: list[str], bands: pd.DataFrame) -> str:
    """A complete model file: the base model with tuned half-lives and bandwidths."""
    data, _, _ = read_config([config] if config else [])
    a, b, _ = final
    for name, table in data.get("types", {}).items():
        t = base.types[name]
        table["half_life_days"] = round(t.half_life_days * a, 3)
        table["bandwidth_km"] = round(t.bandwidth_km * b, 3)
    text = "\n".join(f"# {line}" if line else "#" for line in header) + "\n\n" + dump_toml(data)
    proposal = ", ".join(f"{v:g}" for v in bands["threshold"])
    caught = "\n# ".join(
        f"band {band}+: top {share:.0%} of length, {hit:.0%} of later incidents"
        for band, share, hit in zip(bands["band"].tolist(), bands["share_of_length"].tolist(),
                                    bands["share_of_later_incidents"].tolist(), strict=True)
        if hit == hit)
    text += ("\n# Proposed outcome-tied band thresholds (not active; to use them, replace the\n"
             f"# thresholds above with: thresholds = [{proposal}])\n# {caught}\n")
    return text


def _heatmap(table: pd.DataFrame, out: Path, objective: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mean = table.mean(axis=0)
    hl = sorted({k[0] for k in mean.index})
    bw = sorted({k[1] for k in mean.index})
    grid = np.array([[mean.get((a, b), np.nan) for b in bw] for a in hl])
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    im = ax.imshow(grid, origin="lower", cmap="viridis")
    ax.set_xticks(range(len(bw)), [f"{b:g}" for b in bw])
    ax.set_yticks(range(len(hl)), [f"{a:g}" for a in hl])
    ax.set(xlabel="bandwidth multiplier", ylabel="half-life multiplier",
           title=f"mean {objective} over origins")
    for i in range(len(hl)):
        for j in range(len(bw)):
            if not np.isnan(grid[i, j]):
                ax.text(j, i, f"{grid[i, j]:.3f}", ha="center", va="center", color="w",
                        fontsize=8)
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    path = out / "tune_heatmap.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


def write_tune_outputs(out: Path, *, grid: dict[str, Any], grid_path: Path | None,
                       objective: str, metric: str, origins: str, horizon: int, data_hash: str,
                       base: RiskModel, final: tuple[float, float, int], table: pd.DataFrame,
                       tuned_by: pd.DataFrame, summary: pd.DataFrame, bands: pd.DataFrame,
                       warning: str, config: Path | None) -> tuple[list[str], list[Path]]:
    """Write the tune outputs into ``out`` (all or nothing).

    Returns
    -------
    tuple
        The provenance lines at the top of ``tuned.toml``, and the files written.
    """
    picks = Counter(zip(tuned_by.get("half_life_x", []), tuned_by.get("bandwidth_x", []),
                        strict=True))
    stability = ", ".join(f"hl×{a:g} bw×{b:g}: {n} of {len(tuned_by)}"
                          for (a, b), n in picks.most_common())
    a, b, n = final
    header = [
        "routerisk tune: a complete risk model; routerisk build --config tuned.toml",
        f"grid: {grid_path or 'default'} (half-life x {grid['half_life_multipliers']}, "
        f"bandwidth x {grid['bandwidth_multipliers']}, shrinkage {grid['shrinkage']:g})",
        f"objective: {objective} ({metric}), horizon {horizon} days",
        f"origins: {origins} ({len(table)} windows evaluated)",
        f"data hash (sha256 of the input files, first 16 hex): {data_hash}",
        f"base model: {config or 'packaged defaults'}",
        f"chosen: half-life x {a:g}, bandwidth x {b:g} (from {n} windows, shrunk toward 1)",
        f"stability (choice at each origin from earlier windows only): {stability or 'n/a'}",
    ]
    if warning:
        header.append(warning)
    text = tuned_toml(base=base, config=config, final=final, header=header, bands=bands)
    with atomic_output(out, command="tune") as tmp:
        (tmp / "tuned.toml").write_text(text, encoding="utf-8")
        write_csv(tuned_by, tmp / "tune_by_origin.csv")
        write_csv(summary, tmp / "tune_summary.csv")
        write_csv(bands, tmp / "bands_proposal.csv")
        long = pd.DataFrame(
            [{"origin": o, "half_life_x": k[0], "bandwidth_x": k[1], metric: table.at[o, k]}
             for o in table.index for k in table.columns])
        write_csv(long, tmp / "tune_grid.csv")
        _heatmap(table, tmp, metric)
    names = ["tuned.toml", "tune_by_origin.csv", "tune_summary.csv", "tune_grid.csv",
             "bands_proposal.csv", "tune_heatmap.png"]
    return header, [Path(out) / name for name in names]
