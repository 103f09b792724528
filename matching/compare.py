"""Per-field comparison levels for candidate pairs, computed a field at a time.

Each record's variants of a field sit in one flat table; a pair is exploded into every
combination of its two records' variants, levels are computed over whole arrays
(rapidfuzz ``cpdist`` for similarity, NumPy for the rest) and the best level per pair
is kept. Levels are small integers: 0 means missing, 1 disagreement, higher is closer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from matching.normalise import given_name_roots
from matching.records import MatchRecord, usable_dobs, usable_nhs_numbers

MAX_VARIANTS = 6
CLOSE = 0.92  # Jaro-Winkler similarity of a name one slip away ("close")
SIMILAR = 0.8  # Jaro-Winkler similarity of names alike ("similar")

FIELDS: tuple[str, ...] = ("given", "family", "dob", "nhs", "address", "sex")
LEVELS: dict[str, tuple[str, ...]] = {
    "given": ("missing", "different", "initial or similar", "nickname or close", "exact"),
    "family": ("missing", "different", "similar or shared part", "close", "exact"),
    "dob": ("missing", "different", "same year", "transposed or one off", "exact"),
    "nhs": ("missing", "different", "exact"),
    # One field for where they live: postcode and street are the same evidence counted twice.
    "address": ("missing", "different", "district", "sector or street", "postcode", "number and street", "exact or UPRN"),
    "sex": ("missing", "different", "exact"),
}


class _Table:
    """Variants of one field, grouped by record: ``offsets[r]`` .. ``+ counts[r]``."""

    def __init__(self, per_record: Sequence[Sequence[tuple]], width: int) -> None:
        counts = np.array([min(len(v), MAX_VARIANTS) for v in per_record], dtype=np.int64)
        self.counts = counts
        self.offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        rows = [row for variants in per_record for row in list(variants)[:MAX_VARIANTS]]
        self.columns = [np.array([row[c] for row in rows], dtype=object) for c in range(width)]

    def explode(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ca, cb = self.counts[left], self.counts[right]
        total = ca * cb
        pair = np.repeat(np.arange(len(left)), total)
        starts = np.repeat(np.cumsum(total) - total, total)
        t = np.arange(int(total.sum())) - starts
        cbr = np.repeat(cb, total)
        return pair, np.repeat(self.offsets[left], total) + t // cbr, np.repeat(self.offsets[right], total) + t % cbr


def _coded(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Integer codes for strings, so equality is a vector compare ('' stays -1), and the
    distinct strings the codes stand for."""
    lookup: dict[str, int] = {}
    codes = np.array([-1 if not v else lookup.setdefault(v, len(lookup)) for v in values], dtype=np.int64)
    return codes, list(lookup)


def _codes(values: np.ndarray) -> np.ndarray:
    return _coded(values)[0]


def _distinct_pairs(ca: np.ndarray, cb: np.ndarray, values: list[str]) -> tuple[list[str], list[str], np.ndarray]:
    """The distinct pairs of strings among pairs of codes (-1 stands for ''), and which one
    each pair is: names repeat, so millions of pairs are far fewer distinct ones, each
    compared once."""
    width = len(values) + 1
    strings = [*values, ""]
    keys = np.where(ca < 0, width - 1, ca) * width + np.where(cb < 0, width - 1, cb)
    distinct, inverse = np.unique(keys, return_inverse=True)
    codes = distinct.tolist()
    return [strings[k // width] for k in codes], [strings[k % width] for k in codes], inverse


def _per_distinct_pair(ca: np.ndarray, cb: np.ndarray, values: list[str], test: Callable[[str, str], bool]) -> np.ndarray:
    if not len(ca):
        return np.zeros(0, dtype=bool)
    a, b, inverse = _distinct_pairs(ca, cb, values)
    return np.fromiter(map(test, a, b), bool, len(a))[inverse]


def similarity(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two names as the comparison levels see it: in single
    precision, as ``cpdist`` gives it, so that one pair of names is "similar" or not alike
    everywhere (in double precision "amy" and "aey" come to 0.7999999999999999, not 0.8)."""
    return float(np.float32(JaroWinkler.normalized_similarity(a, b)))


def _similarity(ca: np.ndarray, cb: np.ndarray, values: list[str]) -> np.ndarray:
    """Jaro-Winkler similarity of pairs of coded strings."""
    if not len(ca):
        return np.zeros(0, dtype=np.float32)
    a, b, inverse = _distinct_pairs(ca, cb, values)
    return process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=-1)[inverse]


def _best(n_pairs: int, pair: np.ndarray, level: np.ndarray) -> np.ndarray:
    best = np.zeros(n_pairs, dtype=np.int8)
    np.maximum.at(best, pair, level.astype(np.int8))
    return best


@dataclass
class RecordFeatures:
    """Flat variant tables for every field, built once per resolution."""

    names: _Table
    dobs: _Table
    nhs: _Table
    addresses: _Table
    sex: np.ndarray

    @classmethod
    def build(cls, records: Sequence[MatchRecord]) -> "RecordFeatures":
        names = _Table([[(n.given.split()[0] if n.given else "", n.family) for n in r.names] for r in records], 2)
        dobs = _Table([[(d.toordinal(), d.year, d.month, d.day) for d in usable_dobs(r)] for r in records], 4)
        nhs = _Table([[(n,) for n in usable_nhs_numbers(r)] for r in records], 1)
        addresses = _Table(
            [[(a.postcode, a.postcode.split(" ")[0] if a.postcode else "", a.postcode[:-2] if a.postcode else "",
               a.uprn, a.number, a.street, a.flat) for a in r.addresses] for r in records], 7)
        sex = _codes(np.array([r.sex if r.sex in ("M", "F") else "" for r in records], dtype=object))
        return cls(names, dobs, nhs, addresses, sex)


def _share_a_root(a: str, b: str) -> bool:
    return bool(given_name_roots(a) & given_name_roots(b))


def _share_a_part(a: str, b: str) -> bool:
    return bool(set(a.split()) & set(b.split()))


def _name_levels(f: RecordFeatures, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pair, va, vb = f.names.explode(left, right)
    given, family = f.names.columns
    g_codes, names = _coded(np.concatenate([given, family]))
    gca, gcb = g_codes[: len(given)][va], g_codes[: len(given)][vb]
    fca, fcb = g_codes[len(given):][va], g_codes[len(given):][vb]
    g_sim, f_sim = _similarity(gca, gcb, names), _similarity(fca, fcb, names)
    g_present = (gca >= 0) & (gcb >= 0)
    f_present = (fca >= 0) & (fcb >= 0)
    g_level = np.where(g_present, 1, 0)
    first = _codes(np.array([g[:1] for g in given], dtype=object))
    short = np.array([len(g) == 1 for g in given], dtype=bool)
    initial = g_present & (short[va] | short[vb]) & (first[va] == first[vb])
    g_level = np.where(g_present & ((g_sim >= SIMILAR) | initial), 2, g_level)
    g_level = np.where(g_present & (g_sim >= CLOSE), 3, g_level)
    # Nicknames: only where spelling alone did not already agree closely.
    check = np.flatnonzero(g_present & (g_level < 3))
    if len(check):
        nick = _per_distinct_pair(gca[check], gcb[check], names, _share_a_root)
        g_level[check[nick]] = 3
    g_level = np.where(g_present & (gca == gcb), 4, g_level)

    f_level = np.where(f_present, 1, 0)
    parts = f_present & (f_sim < SIMILAR)
    idx = np.flatnonzero(parts)
    if len(idx):
        shared = _per_distinct_pair(fca[idx], fcb[idx], names, _share_a_part)
        f_level[idx[shared]] = 2
    f_level = np.where(f_present & (f_sim >= SIMILAR), np.maximum(f_level, 2), f_level)
    f_level = np.where(f_present & (f_sim >= CLOSE), 3, f_level)
    f_level = np.where(f_present & (fca == fcb), 4, f_level)
    # Given and family recorded the wrong way round, each close to the other's (a typo in
    # a swapped name is as common as in one in place): no better than "close".
    check = np.flatnonzero(g_present & f_present & ((g_level < 3) | (f_level < 3)))
    if len(check):
        swapped = check[(_similarity(gca[check], fcb[check], names) >= CLOSE) & (_similarity(fca[check], gcb[check], names) >= CLOSE)]
        g_level[swapped] = np.maximum(g_level[swapped], 3)
        f_level[swapped] = np.maximum(f_level[swapped], 3)
    n = len(left)
    return _best(n, pair, g_level), _best(n, pair, f_level)


def _dob_levels(f: RecordFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    pair, va, vb = f.dobs.explode(left, right)
    if not len(pair):
        return np.zeros(len(left), dtype=np.int8)
    ordinal, year, month, day = (c.astype(np.int64) for c in f.dobs.columns)
    oa, ob, ya, yb = ordinal[va], ordinal[vb], year[va], year[vb]
    ma, mb, da, db = month[va], month[vb], day[va], day[vb]
    level = np.ones(len(pair), dtype=np.int8)
    level[ya == yb] = 2
    digits_a = ya * 10000 + ma * 100 + da
    digits_b = yb * 10000 + mb * 100 + db
    place_a = [(digits_a // 10**power) % 10 for power in range(8)]
    place_b = [(digits_b // 10**power) % 10 for power in range(8)]
    differing = sum((x != y).astype(np.int64) for x, y in zip(place_a, place_b))
    # Two neighbouring digits of the year typed the wrong way round (1968 for 1986): only
    # they differ. Within the day or month such a swap lands days or weeks away, where
    # people with common names and close birthdays are many.
    year_swapped = np.zeros(len(pair), dtype=bool)
    for p in range(4, 7):
        year_swapped |= (place_a[p] != place_b[p]) & (place_a[p] == place_b[p + 1]) & (place_a[p + 1] == place_b[p])
    slip = (differing == 1) | ((differing == 2) & year_swapped)
    near = ((ya == yb) & (ma == db) & (da == mb)) | (np.abs(oa - ob) <= 1) | slip
    level[near] = 3
    level[oa == ob] = 4
    return _best(len(left), pair, level)


def _nhs_levels(f: RecordFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    pair, va, vb = f.nhs.explode(left, right)
    codes = _codes(f.nhs.columns[0])
    level = np.where(codes[va] == codes[vb], 2, 1)
    return _best(len(left), pair, level)


def _address_levels(f: RecordFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The closest the two records' addresses come.

    A street one slip away (a letter wrong, missing, added, or two swapped) is the same
    street when the house number agrees: such slips are common in free-text address lines,
    while the same number on a street one letter apart in one area (Mill and Hill Lane) is
    rare. Such a pair reaches "number and street", never "exact", which needs the street as
    written. Similarity by Jaro-Winkler would not do: it puts Church Road and Church Way
    0.9 apart.
    """
    pair, va, vb = f.addresses.explode(left, right)
    full, district, sector, uprn, number, street, flat = (_codes(c) for c in f.addresses.columns)
    has_postcode = (full[va] >= 0) & (full[vb] >= 0)
    has_street = (street[va] >= 0) & (street[vb] >= 0)
    has_uprn = (uprn[va] >= 0) & (uprn[vb] >= 0)
    same_area = (district[va] == district[vb]) | ~has_postcode
    same_street = has_street & (street[va] == street[vb]) & same_area
    level = np.where(has_postcode | has_street | has_uprn, 1, 0)
    level = np.where(has_postcode & (district[va] == district[vb]), 2, level)
    level = np.where((has_postcode & (sector[va] == sector[vb])) | same_street, 3, level)
    level = np.where(has_postcode & (full[va] == full[vb]), 4, level)
    same_number = (number[va] == number[vb]) & (number[va] >= 0)
    level = np.where(same_street & same_number, 5, level)
    level = np.where((level == 5) & (flat[va] == flat[vb]), 6, level)
    check = np.flatnonzero(has_street & same_area & same_number & (street[va] != street[vb]))
    if len(check):
        text = f.addresses.columns[5]
        slips = process.cpdist(list(text[va[check]]), list(text[vb[check]]), scorer=DamerauLevenshtein.distance,
                               workers=-1)
        typo = check[slips <= 1]
        level[typo] = np.maximum(level[typo], 5)
    level = np.where(has_uprn & (uprn[va] == uprn[vb]), 6, level)
    return _best(len(left), pair, level)


def compare(features: RecordFeatures, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """An (n_pairs × len(FIELDS)) int8 matrix of comparison levels."""
    given, family = _name_levels(features, left, right)
    sa, sb = features.sex[left], features.sex[right]
    sex = np.where((sa >= 0) & (sb >= 0), np.where(sa == sb, 2, 1), 0).astype(np.int8)
    columns: dict[str, np.ndarray] = {
        "given": given, "family": family, "dob": _dob_levels(features, left, right),
        "nhs": _nhs_levels(features, left, right), "address": _address_levels(features, left, right), "sex": sex,
    }
    return np.stack([columns[name] for name in FIELDS], axis=1).astype(np.int8)

