"""Which agencies know the same people: per-agency reach and the agency-by-agency matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


@dataclass(frozen=True)
class Overlap:
    agencies: list[str]
    people: dict[str, int]  # people each agency knows
    known_elsewhere: dict[str, float]  # share of those also known to another agency
    matrix: dict[tuple[str, str], int]  # people known to both (diagonal: to the agency)


def overlap(links: Iterable[tuple[str, str, str]]) -> Overlap:
    """From (source, source_person_id, person id) rows; one person may have several records per agency."""
    agencies_of: dict[str, set[str]] = defaultdict(set)
    for source, _, person in links:
        agencies_of[person].add(source)
    agencies = sorted({a for known in agencies_of.values() for a in known})
    matrix = {(a, b): 0 for a in agencies for b in agencies}
    elsewhere = dict.fromkeys(agencies, 0)
    for known in agencies_of.values():
        for a in known:
            if len(known) > 1:
                elsewhere[a] += 1
            for b in known:
                matrix[(a, b)] += 1
    people = {a: matrix[(a, a)] for a in agencies}
    return Overlap(agencies, people, {a: elsewhere[a] / people[a] for a in agencies if people[a]}, matrix)


def table(result: Overlap) -> list[str]:
    width = max([8, *(len(a) + 1 for a in result.agencies)])
    lines = [f"{'agency':{width}} {'people':>8}  known to another agency"]
    lines += [f"{a:{width}} {result.people[a]:8d}  {result.known_elsewhere.get(a, 0):6.1%}" for a in result.agencies]
    lines.append("")
    lines.append(" " * width + "".join(f"{b:>{width}}" for b in result.agencies))
    for a in result.agencies:
        lines.append(f"{a:{width}}" + "".join(f"{result.matrix[(a, b)]:>{width}d}" for b in result.agencies))
    return lines


def heat_map(result: Overlap, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = len(result.agencies)
    values = [[result.matrix[(a, b)] for b in result.agencies] for a in result.agencies]
    figure, axes = plt.subplots(figsize=(1.2 * size + 2, 1.2 * size + 1.5))
    image = axes.imshow(values, cmap="Blues")
    axes.set_xticks(range(size), result.agencies)
    axes.set_yticks(range(size), result.agencies)
    for i in range(size):
        for j in range(size):
            axes.text(j, i, str(values[i][j]), ha="center", va="center",
                      color="white" if values[i][j] > max(map(max, values)) / 2 else "black")
    axes.set_title("People known to both agencies")
    figure.colorbar(image, ax=axes)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
