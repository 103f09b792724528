"""Normalisation of names, dates, identifiers and addresses.

One module used by ingestion, matching and search alike, so that a name typed into a
search box is normalised exactly like one in a partner's extract. Errors never quote the
value they refuse: it is personal data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jellyfish

from matching.nicknames import ROOTS_BY_NAME


class InvalidValue(ValueError):
    """A value present but not acceptable; the message is the reason, never the value."""


# Names -------------------------------------------------------------------------------

_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae", "Æ": "ae",
                       "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_APOSTROPHES = re.compile(r"['’‘`]")
_NON_LETTER = re.compile(r"[^a-z0-9 ]+")
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "rev", "revd", "sir", "dame", "lady", "lord", "prof", "master"})
# Particles belong to the surname word that follows them: "van der Berg" is one name.
PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "du", "le", "la", "del", "della", "st", "mac", "al", "el"})


@lru_cache(maxsize=1 << 18)
def clean_name(raw: str | None) -> str:
    """Lower-case ASCII words: accents folded, apostrophes dropped, punctuation to spaces, titles gone."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKD", raw.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _NON_LETTER.sub(" ", _APOSTROPHES.sub("", text))
    return " ".join(token for token in text.split() if token not in TITLES)


def name_tokens(raw: str | None) -> tuple[str, ...]:
    return tuple(clean_name(raw).split())


def family_name_parts(raw: str | None) -> tuple[str, ...]:
    """The parts of a hyphenated or double-barrelled surname, particles joined to what follows."""
    parts: list[str] = []
    prefix = ""
    for token in name_tokens(raw):
        if token in PARTICLES:
            prefix += token
            continue
        parts.append(prefix + token)
        prefix = ""
    if prefix:
        parts.append(prefix)
    return tuple(parts)


def family_name_key(raw: str | None) -> str:
    return "".join(family_name_parts(raw))


def given_name_key(raw: str | None) -> str:
    tokens = name_tokens(raw)
    return tokens[0] if tokens else ""


def given_name_roots(name: str) -> frozenset[str]:
    """Every formal name a given-name token may stand for ("alex": alexander and alexandra)."""
    return ROOTS_BY_NAME.get(name, frozenset((name,)))


def given_name_root(name: str) -> str:
    """One deterministic root, for blocking keys."""
    return min(given_name_roots(name))


@lru_cache(maxsize=1 << 18)
def phonetic_key(token: str) -> str:
    """Metaphone code, so Smith and Smyth, Thompson and Thomson share a blocking key."""
    return jellyfish.metaphone(token) if token else ""


# Dates and codes ---------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(raw: str | None) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY (UK order); anything else or an impossible date is refused."""
    text = (raw or "").strip()
    if not text:
        return None
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise InvalidValue("not a date in YYYY-MM-DD or DD/MM/YYYY form")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise InvalidValue("not a real calendar date") from error


_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "unknown": "U", "x": "X"}


def normalise_sex(raw: str | None) -> str | None:
    text = (raw or "").strip().lower()
    if not text:
        return None
    if text not in _SEX:
        raise InvalidValue("sex must be M, F, U, X, male, female or unknown")
    return _SEX[text]


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when no digit can be valid."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    return 0 if check == 11 else None if check == 10 else check


def normalise_nhs_number(raw: str | None) -> str | None:
    text = re.sub(r"[\s-]", "", raw or "")
    if not text:
        return None
    if not (len(text) == 10 and text.isdigit()):
        raise InvalidValue("an NHS number has 10 digits")
    if nhs_check_digit(text[:9]) != int(text[9]):
        raise InvalidValue("the NHS number fails the Modulus 11 check")
    return text


@dataclass(frozen=True)
class Postcode:
    full: str
    outward: str
    inward: str
    sector: str
    district: str
    area: str


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})$")


def normalise_postcode(raw: str | None) -> Postcode | None:
    text = re.sub(r"\s+", "", raw or "").upper()
    if not text:
        return None
    match = _POSTCODE.match(text)
    if not match or (match.group(1) == "GIR" and match.group(2) != "0AA"):
        raise InvalidValue("not a UK postcode")
    outward, inward = match.groups()
    area = re.match(r"[A-Z]+", outward).group(0)  # type: ignore[union-attr]
    return Postcode(f"{outward} {inward}", outward, inward, f"{outward} {inward[0]}", outward, area)


def normalise_uprn(raw: str | None) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not (text.isdigit() and len(text) <= 12) or int(text) == 0:
        raise InvalidValue("a UPRN is a number of up to 12 digits")
    return str(int(text))


# Addresses ---------------------------------------------------------------------------

STREET_WORDS = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane",
    "dr": "drive", "cl": "close", "cres": "crescent", "cresc": "crescent", "ct": "court", "pl": "place",
    "sq": "square", "gdns": "gardens", "gdn": "garden", "gro": "grove", "gr": "grove", "terr": "terrace",
    "ter": "terrace", "tce": "terrace", "pk": "park", "wy": "way", "hse": "house", "mt": "mount",
    "bldgs": "buildings", "blvd": "boulevard", "cott": "cottage", "cotts": "cottages", "est": "estate",
    "hts": "heights", "mws": "mews", "pde": "parade", "wlk": "walk", "yd": "yard", "n": "north",
    "s": "south", "e": "east", "w": "west", "upr": "upper", "lwr": "lower",
}
_FLAT = re.compile(r"\b(?:flat|apartment|apt|unit|room|maisonette)\s*([0-9]+[a-z]?|[a-z])\b")
_SLASH_FLAT = re.compile(r"^([0-9]+[a-z]?)\s*/\s*([0-9]+[a-z]?)\b")
_NUMBER = re.compile(r"^([0-9]+[a-z]?(?:\s*-\s*[0-9]+[a-z]?)?)\s+(.*)$")


@dataclass(frozen=True)
class AddressParts:
    flat: str
    number: str
    building: str
    street: str
    town: str
    postcode: str
    uprn: str

    @property
    def key(self) -> str:
        """Identity text: two spellings of one address give the same key."""
        area = self.postcode or self.town
        return "|".join((self.flat, self.number, self.building, self.street, area))


def _expand_street(words: list[str]) -> str:
    out: list[str] = []
    for i, word in enumerate(words):
        # "St" before a name is Saint ("St Marys Road"); after one it is Street.
        if word == "st" and i + 1 < len(words) and i == 0:
            out.append("saint")
        else:
            out.append(STREET_WORDS.get(word, word) if i > 0 or word not in ("n", "s", "e", "w") else word)
    return " ".join(out)


def normalise_address(
    line_1: str | None, line_2: str | None, town: str | None, postcode: Postcode | None, uprn: str | None = None
) -> AddressParts:
    """Best-effort parts of a free-text UK address; never raises."""
    text = " , ".join(p for p in (line_1, line_2) if p and p.strip()).lower()
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKD", text.translate(_FOLD)))
    flat = ""
    if match := _FLAT.search(text):
        flat = match.group(1)
        text = text[: match.start()] + " , " + text[match.end():]
    segments = [" ".join(re.sub(r"[^a-z0-9/\- ]+", " ", s).split()) for s in text.split(",")]
    segments = [s for s in segments if s]
    if not flat and segments and (match := _SLASH_FLAT.match(segments[0])):
        # Scottish style "2/14 Park Road": flat 2 of number 14.
        flat, rest = match.group(1), segments[0][match.end():].strip()
        segments[0] = f"{match.group(2)} {rest}".strip()
    number = street = ""
    buildings: list[str] = []
    for segment in segments:
        if not number and (match := _NUMBER.match(segment)):
            number = match.group(1).replace(" ", "")
            street = _expand_street(match.group(2).replace("-", " ").split())
        elif not number:
            buildings.append(_expand_street(segment.replace("-", " ").split()))
    if not number and not street and buildings and len(buildings) > 1:
        street = buildings.pop()
    return AddressParts(
        flat=flat,
        number=number,
        building=" ".join(buildings),
        street=street,
        town=clean_name(town),
        postcode=postcode.full if postcode else "",
        uprn=uprn or "",
    )
