"""Normalisation of names, dates, identifiers and addresses.

One module used by ingestion, matching and search alike, so that a name typed into a
search box is normalised exactly like one in a partner's extract: two copies of these rules
would drift apart and quietly stop people being found. Errors never quote the value they
refuse: it is personal data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jellyfish
from anyascii import anyascii

from matching.nicknames import ROOT_BY_NAME, ROOTS_BY_NAME


class InvalidValue(ValueError):
    """A value present but not acceptable; str(error) is the reason, never the value."""


# Names -------------------------------------------------------------------------------

# Letters NFKD leaves whole, folded by hand; apostrophes go, so O'Brien is obrien.
_FOLD = str.maketrans({
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae",
    "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i",
    "'": None, "’": None, "‘": None, "`": None, "ʼ": None,
})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Honorifics are never part of a name, so they go wherever they stand ("Smith, Mrs Jane").
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "rev", "revd", "prof"})
# These are surnames too (Peter Lord, Ann Master): dropped only ahead of another word.
TITLES = HONORIFICS | {"sir", "dame", "lady", "lord", "master"}
# Particles are recorded joined, spaced and hyphenated ("van der Berg", "Vanderberg",
# "Van-Der-Berg"; "O Brien" for O'Brien), so they are joined to the word that follows.
PARTICLES = frozenset({
    "al", "da", "das", "de", "del", "della", "den", "der", "des", "di", "dos", "du", "el",
    "la", "le", "mac", "mc", "o", "st", "van", "von",
})


def _ascii(text: str) -> str:
    """Accents and special letters folded to plain lower-case ASCII; other scripts dropped."""
    text = text.translate(_FOLD)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.lower()


def _latin(name: str) -> str:
    """A name in lower-case Latin letters: accents folded as ``_ascii`` does, and letters of
    other scripts transliterated (Мария -> mariya, Γιώργος -> giorgos), so a name recorded in
    its own script meets the same name recorded in Latin letters. Letters and the marks written
    with them (the vowel signs of Indic scripts: प्रिया -> priya) are transliterated, composed
    first (NFKC), as Bengali and Tamil two-part vowels read right only whole; other symbols are
    dropped."""
    name = name.translate(_FOLD)
    if name.isascii():
        return name.lower()
    return "".join(c if c.isascii() else _letters(c) for c in unicodedata.normalize("NFKC", name)).lower()


def _letters(char: str) -> str:
    """A letter or mark of another script in Latin letters only: a nukta would otherwise come
    out as an apostrophe, splitting the word it sits in (ख़ान is khan, not kh an)."""
    if not (char.isalpha() or unicodedata.category(char)[0] == "M"):
        return ""
    return "".join(c for c in anyascii(char) if c.isalnum())


@lru_cache(maxsize=1 << 18)
def clean_name(raw: str | None) -> str:
    """Lower-case ASCII words: accents folded, other scripts transliterated, apostrophes
    dropped, punctuation to spaces, titles gone."""
    if not raw:
        return ""
    tokens = _NON_ALNUM.sub(" ", _latin(raw)).split()
    start = 0
    while start < len(tokens) - 1 and tokens[start] in TITLES:
        start += 1
    return " ".join(token for token in tokens[start:] if token not in HONORIFICS)


def name_tokens(raw: str | None) -> tuple[str, ...]:
    """The cleaned words, for comparing names in any order (swapped given and family names)."""
    return tuple(clean_name(raw).split())


def family_name_parts(raw: str | None) -> tuple[str, ...]:
    """The parts of a hyphenated or double-barrelled surname, particles joined to what follows."""
    parts: list[str] = []
    prefix = ""
    for token in name_tokens(raw):
        if token in PARTICLES:
            prefix += token
        else:
            parts.append(prefix + token)
            prefix = ""
    if prefix:
        parts.append(prefix)
    return tuple(parts)


def family_name_key(raw: str | None) -> str:
    """One string however the parts were separated: Smith-Jones, Smith Jones, Smithjones."""
    return "".join(family_name_parts(raw))


def given_name_key(raw: str | None) -> str:
    """The first given name: middle names in the given-name field are recorded inconsistently."""
    tokens = name_tokens(raw)
    return tokens[0] if tokens else ""


def given_name_roots(name: str) -> frozenset[str]:
    """Every formal name a cleaned given-name token may stand for ("alex": alexander and alexandra)."""
    return ROOTS_BY_NAME.get(name, frozenset((name,)))


def given_name_root(name: str) -> str:
    """One deterministic root, for blocking keys: a shared short form takes its commoner root."""
    return ROOT_BY_NAME.get(name, name)


@lru_cache(maxsize=1 << 18)
def phonetic_key(token: str) -> str:
    """Metaphone code, so Smith and Smyth, Stephens and Stevens share a blocking key.

    A token with no letters has no code and stands for itself.
    """
    return jellyfish.metaphone(token) or token


# Dates and codes ---------------------------------------------------------------------

_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Exactly two-digit day and month: the contract has no D/M/YYYY form, so "1/2/2020" is refused.
_UK = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")


def parse_date(raw: str | None) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY (UK order), as the contract says; anything else is refused."""
    text = (raw or "").strip()
    if not text:
        return None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise InvalidValue("not a date in YYYY-MM-DD or DD/MM/YYYY form")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise InvalidValue("not a real calendar date") from error


_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "unknown": "U", "x": "X"}


def normalise_sex(raw: str | None) -> str | None:
    """One letter, M, F, U or X, from the forms the contract allows."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    if text not in _SEX:
        raise InvalidValue("sex must be M, F, U, X, male, female or unknown")
    return _SEX[text]


_NHS_SEPARATORS = re.compile(r"[\s-]+")
_TEN_DIGITS = re.compile(r"[0-9]{10}")


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when no tenth digit can be valid."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    return 0 if check == 11 else None if check == 10 else check


def normalise_nhs_number(raw: str | None) -> str | None:
    """The ten digits of a valid NHS number (placeholders included: see ``is_placeholder_nhs_number``)."""
    text = _NHS_SEPARATORS.sub("", raw or "")
    if not text:
        return None
    if not _TEN_DIGITS.fullmatch(text):
        raise InvalidValue("an NHS number has 10 digits")
    if nhs_check_digit(text[:9]) != int(text[9]):
        raise InvalidValue("the NHS number fails the Modulus 11 check")
    return text


PLACEHOLDER_DOBS = frozenset({date(1900, 1, 1), date(1901, 1, 1), date(1800, 1, 1)})


def is_placeholder_dob(day: date) -> bool:
    """A date some systems write when the date of birth is unknown."""
    return day in PLACEHOLDER_DOBS


def is_placeholder_nhs_number(number: str) -> bool:
    """Ten equal digits (0000000000, 9999999999) pass Modulus 11 but are typed when the number
    is unknown: compared, they would make strangers share an identifier."""
    return len(set(number)) == 1


@dataclass(frozen=True)
class Postcode:
    full: str  # "SW1A 1AA"
    outward: str  # "SW1A"
    inward: str  # "1AA"
    sector: str  # "SW1A 1"
    district: str  # == outward
    area: str  # "SW"


# The standard (BS 7666) pattern: which letters each position may hold, and GIR 0AA.
_POSTCODE = re.compile(
    r"(?P<outward>GIR(?=0AA)"
    r"|[A-PR-UWYZ][0-9][0-9]?"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y])"
    r"(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2})"
)
_SPACES = re.compile(r"\s+")
_AREA = re.compile(r"[A-Z]+")


def normalise_postcode(raw: str | None) -> Postcode | None:
    """A UK postcode in any case or spacing, split into the units matching blocks on."""
    text = _SPACES.sub("", raw or "").upper()
    if not text:
        return None
    match = _POSTCODE.fullmatch(text)
    if not match:
        raise InvalidValue("not a UK postcode")
    outward, inward = match["outward"], match["inward"]
    area = _AREA.match(outward).group()  # type: ignore[union-attr]  # every outward starts with a letter
    return Postcode(f"{outward} {inward}", outward, inward, f"{outward} {inward[0]}", outward, area)


# Up to 12 digits as sent, leading zeros included: the contract counts the digits given.
_UPRN = re.compile(r"[0-9]{1,12}")


def normalise_uprn(raw: str | None) -> str | None:
    """A UPRN without the leading zeros spreadsheets and fixed-width exports add."""
    text = (raw or "").strip()
    if not text:
        return None
    number = text.lstrip("0") if _UPRN.fullmatch(text) else ""
    if not number:
        raise InvalidValue("a UPRN is a number of up to 12 digits, not zero")
    return number


# Addresses ---------------------------------------------------------------------------

STREET_WORDS: dict[str, str] = {
    "rd": "road", "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "ln": "lane",
    "dr": "drive", "cl": "close", "cres": "crescent", "cresc": "crescent", "ct": "court", "crt": "court",
    "pl": "place", "sq": "square", "gdns": "gardens", "gdn": "garden", "gro": "grove", "gr": "grove",
    "terr": "terrace", "ter": "terrace", "tce": "terrace", "pk": "park", "wy": "way", "wk": "walk",
    "hse": "house", "mt": "mount", "bldgs": "buildings", "blvd": "boulevard", "cott": "cottage",
    "cotts": "cottages", "est": "estate", "hts": "heights", "mws": "mews", "pde": "parade",
    "yd": "yard", "grn": "green", "upr": "upper", "lwr": "lower",
}
_DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west"}
# Words that end a street name and not a building's or a locality's: a segment ending in one
# is the street even with no house number ("Rose Cottage, Mill Lane, Headingley").
_THOROUGHFARES = frozenset({
    "road", "street", "lane", "avenue", "drive", "close", "crescent", "place", "square", "gardens",
    "grove", "terrace", "way", "walk", "row", "mews", "parade", "rise", "boulevard", "wynd",
})
_FLAT = re.compile(
    r"\b(?:flat|apartment|apt|unit|room|maisonette)(?![a-z])\.?\s*"
    r"([0-9]+[a-z]?(?:/[0-9]+[a-z]?)?|[a-z](?![a-z]))"
)
_FLOOR_FLAT = re.compile(r"\b(basement|lower ground|ground|first|second|third|top|upper)(?: floor)? flat\b")
_RANGE = re.compile(r"([0-9][a-z]?)\s*-\s*(?=[0-9])")
_ADDRESS_JUNK = re.compile(r"[^a-z0-9/\- ]+")
_NUMBERED = re.compile(r"(?:no\s+)?([0-9]+[a-z]?(?:-[0-9]+[a-z]?)?)(?:/([0-9]+[a-z]?))?(?:\s+(.*))?")
_SLASH_FLAT = re.compile(r"[0-9]+[a-z]?/[0-9]+[a-z]?")


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
        """Identity text: two spellings of one address give the same key. The town counts only
        without a postcode, as towns are often left out or spelt differently."""
        return "|".join((self.flat, self.number, self.building, self.street, self.postcode or self.town))


def _expand(text: str) -> str:
    """Abbreviations written out: "St Marys Rd" is "saint marys road", "High St N" "high street north"."""
    words = text.replace("-", " ").split()
    out: list[str] = []
    for i, word in enumerate(words):
        rest = words[i + 1:]
        if word == "st" and any(w not in _DIRECTIONS and w not in _DIRECTIONS.values() for w in rest):
            out.append("saint")  # "St" with a name after it is Saint; at the end it is Street
        elif word in _DIRECTIONS and i > 0 and not rest:
            out.append(_DIRECTIONS[word])
        else:
            out.append(STREET_WORDS.get(word, word))
    return " ".join(out)


def _segments(line_1: str | None, line_2: str | None) -> tuple[str, list[str]]:
    """The flat, and the comma-separated rest of the address lines cleaned for parsing."""
    text = _ascii(" , ".join(line for line in (line_1, line_2) if line))
    flat = ""
    # "Ground Floor Flat 3 Park Rd" is the ground floor flat of number 3, as Royal Mail writes it.
    for pattern in (_FLOOR_FLAT, _FLAT):
        if match := pattern.search(text):
            flat = match.group(1)
            text = f"{text[:match.start()]} , {text[match.end():]}"
            break
    text = _RANGE.sub(r"\1-", text.replace(".", " "))
    segments = [" ".join(_ADDRESS_JUNK.sub(" ", part).split()) for part in text.split(",")]
    return flat, [s for s in segments if s]


def normalise_address(
    line_1: str | None, line_2: str | None, town: str | None, postcode: Postcode | None, uprn: str | None = None
) -> AddressParts:
    """Best-effort parts of a free-text UK address, so two spellings of one place agree; never raises.

    Segments before the one with the house number are the building; those after it are
    locality and left out, as partners include or omit them at will. "2/14 Park Road" is
    flat 2 of number 14, as the partnership's systems write it (Edinburgh writes number/flat:
    a Scottish partner's extract would need that reading); a lone "2/1" is a flat (Glasgow).
    """
    flat, segments = _segments(line_1, line_2)
    number = street = ""
    building: list[str] = []
    for i, segment in enumerate(segments):
        if _SLASH_FLAT.fullmatch(segment) and not flat:
            flat = segment
            continue
        if match := _NUMBERED.fullmatch(segment):
            first, second, rest = match.groups()
            number = second or first
            flat = flat or (first if second else "")
            following = segments[i + 1] if i + 1 < len(segments) else ""
            street = _expand(rest or following)
            break
        building.append(_expand(segment))
    else:
        # No house number: the street is the first segment that ends like one, else the second.
        at = next((i for i, s in enumerate(building) if s.rsplit(" ", 1)[-1] in _THOROUGHFARES), 1)
        if at < len(building):
            street = building[at]
        building = building[:at]
    try:
        uprn_key = normalise_uprn(uprn) or ""
    except InvalidValue:
        uprn_key = ""
    return AddressParts(
        flat=flat,
        number=number,
        building=" ".join(building),
        street=street,
        town=clean_name(town),
        postcode=postcode.full if postcode else "",
        uprn=uprn_key,
    )
