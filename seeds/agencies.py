"""Partner agencies of the synthetic partnership: whom each knows, how it records them.

Each profile says which people the agency tends to know (children's social care knows
children and their parents, the fire service adults at an address…), how often it holds a
date of birth, NHS number or UPRN, which date form it writes, and its error rates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterator

from seeds.population import TODAY, Address, Person

NICKNAMES = {
    "robert": "bob", "william": "bill", "elizabeth": "liz", "margaret": "peggy", "james": "jim",
    "michael": "mike", "richard": "rick", "thomas": "tom", "katherine": "kate", "catherine": "cathy",
    "christopher": "chris", "daniel": "danny", "matthew": "matt", "anthony": "tony", "jennifer": "jenny",
    "rebecca": "becky", "samantha": "sam", "samuel": "sam", "benjamin": "ben", "alexander": "alex",
    "patricia": "pat", "susan": "sue", "deborah": "debbie", "stephen": "steve", "steven": "steve",
    "joseph": "joe", "edward": "ted", "victoria": "vicky", "kenneth": "ken", "timothy": "tim",
    "nicholas": "nick", "jonathan": "jon", "gregory": "greg", "harry": "harry", "charles": "charlie",
}
STREET_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl",
                        "Drive": "Dr", "Grove": "Gro", "Terrace": "Terr", "Crescent": "Cres", "Gardens": "Gdns"}
ROLES = ("Social Worker", "Senior Practitioner", "Safeguarding Lead", "Case Officer", "Nurse Specialist",
         "Community Safety Officer", "Team Manager")
LEAD_NAMES = ("A. Rahman", "J. Whitaker", "S. Patel", "M. O'Connor", "L. Nowak", "K. Mensah", "R. Greenwood",
              "D. Haigh", "P. Lockwood", "C. Ashworth", "H. Begum", "T. Sutcliffe")


@dataclass(frozen=True)
class AgencyProfile:
    code: str
    team: str
    types: tuple[str, ...]
    knows: Callable[[Person, random.Random], bool]
    date_form: str  # "iso" or "uk"
    dob_missing: float
    nhs_present: float
    uprn_present: float
    typo: float
    nickname: float
    swap: float
    alias: float
    duplicate: float
    partial_name: float


def _age(p: Person) -> int:
    return (TODAY - p.dob).days // 365


def _chance(p: Person, vulnerable: float, other: float) -> float:
    return vulnerable if p.vulnerable else other


AGENCIES: tuple[AgencyProfile, ...] = (
    AgencyProfile("CSC", "Children's Services", ("Child Protection Plan", "Child in Need", "Looked After Child", "Early Help"),
                  lambda p, r: r.random() < (_chance(p, 0.6, 0.03) if _age(p) < 18 else _chance(p, 0.3, 0.0) if p.is_parent else 0),
                  "iso", 0.02, 0.6, 0.1, 0.03, 0.03, 0.01, 0.0, 0.01, 0.0),
    AgencyProfile("ASC", "Adult Social Care", ("Care Act assessment", "Safeguarding enquiry (s42)", "Care package review"),
                  lambda p, r: r.random() < (_chance(p, 0.65, 0.02) if _age(p) >= 65 else _chance(p, 0.05, 0.002) if _age(p) >= 18 else 0),
                  "uk", 0.02, 0.75, 0.1, 0.03, 0.04, 0.01, 0.0, 0.01, 0.0),
    AgencyProfile("POLICE", "Public Protection Unit", ("Domestic abuse incident", "Missing person", "Concern for welfare", "Child sexual exploitation concern"),
                  lambda p, r: 14 <= _age(p) < 70 and r.random() < _chance(p, 0.35, 0.03),
                  "uk", 0.12, 0.08, 0.0, 0.05, 0.10, 0.03, 0.10, 0.02, 0.0),
    AgencyProfile("NHS", "Safeguarding Team", ("A&E attendance", "Safeguarding referral", "Maternity safeguarding", "Health visitor concern"),
                  lambda p, r: r.random() < _chance(p, 0.5, 0.05),
                  "iso", 0.0, 0.97, 0.0, 0.02, 0.03, 0.01, 0.0, 0.01, 0.0),
    AgencyProfile("FIRE", "Prevention", ("Home fire safety visit", "Hoarding concern", "Fire setting referral"),
                  lambda p, r: _age(p) >= 18 and r.random() < _chance(p, 0.4 if _age(p) >= 65 else 0.15, 0.01),
                  "uk", 0.8, 0.0, 0.7, 0.04, 0.05, 0.02, 0.0, 0.01, 0.35),
)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + rng.choice("aeiourstnlm") + word[i + 1 :]
    if kind < 0.7 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def _date(value: date, form: str) -> str:
    return value.isoformat() if form == "iso" else value.strftime("%d/%m/%Y")


def _dob(rng: random.Random, person: Person, profile: AgencyProfile) -> str:
    if rng.random() < profile.dob_missing:
        return ""
    dob = person.dob
    roll = rng.random()
    if roll < 0.02 and dob.day <= 12 and dob.day != dob.month:
        dob = date(dob.year, dob.day, dob.month)  # day and month transposed
    elif roll < 0.03:
        dob = date(1900, 1, 1)  # a placeholder some systems write
    elif roll < 0.04:
        dob = date(dob.year, 1, 1)  # only the year was known
    elif roll < 0.06:
        dob = dob + timedelta(days=rng.choice((-1, 1)))
    return _date(dob, profile.date_form)


def _nhs(rng: random.Random, person: Person, profile: AgencyProfile) -> str:
    if rng.random() >= profile.nhs_present:
        return ""
    digits = person.nhs
    if rng.random() < 0.02:  # mistyped: one digit wrong, usually failing Modulus 11
        i = rng.randrange(10)
        digits = digits[:i] + str((int(digits[i]) + rng.randrange(1, 10)) % 10) + digits[i + 1 :]
    return rng.choice((digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}", f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"))


def _address_fields(rng: random.Random, address: Address, profile: AgencyProfile) -> dict[str, str]:
    street = address.street
    if rng.random() < 0.3:
        first, _, suffix = street.rpartition(" ")
        street = f"{first} {STREET_ABBREVIATIONS.get(suffix, suffix)}"
    line_2 = ""
    if address.flat:
        form = rng.random()
        if form < 0.5:
            line_1 = f"Flat {address.flat}, {address.number} {street}"
        elif form < 0.8:
            line_1, line_2 = f"{address.number} {street}", f"Flat {address.flat}"
        else:
            line_1 = f"{address.flat}/{address.number} {street}"
    else:
        line_1 = f"{address.number} {street}"
    if rng.random() < 0.05:
        line_1 = line_1.upper()
    postcode = address.postcode
    roll = rng.random()
    if roll < 0.2:
        postcode = postcode.replace(" ", "")
    elif roll < 0.35:
        postcode = postcode.lower()
    elif roll < 0.38:
        postcode = ""
    return {
        "address_line_1": line_1,
        "address_line_2": line_2,
        "town": address.town if rng.random() > 0.1 else "",
        "postcode": postcode,
        "uprn": address.uprn if rng.random() < profile.uprn_present else "",
    }


def _name(rng: random.Random, person: Person, profile: AgencyProfile) -> tuple[str, str, str]:
    given, middle, family = person.given, person.middle, person.family
    if rng.random() < profile.nickname and given in NICKNAMES:
        given = NICKNAMES[given]
    if rng.random() < profile.typo:
        given = _typo(rng, given)
    if rng.random() < profile.typo:
        family = _typo(rng, family)
    if "-" in family and rng.random() < 0.3:
        family = rng.choice(family.split("-"))
    if person.sex == "F" and (TODAY - person.dob).days > 25 * 365 and rng.random() < 0.03:
        family = rng.choice(("smith", "jones", "taylor", "brown", "khan", "walker"))  # surname changed
    if rng.random() < profile.partial_name:
        given = given[0] if rng.random() < 0.7 else ""
        middle = ""
    if rng.random() < profile.swap:
        given, family = family, given
    case = str.title if rng.random() < 0.85 else str.upper
    return case(given), case(middle), case(family)


def _lead(rng: random.Random, profile: AgencyProfile) -> dict[str, str]:
    name = rng.choice(LEAD_NAMES)
    handle = name.replace(". ", ".").replace("'", "").lower()
    return {
        "lead_name": name,
        "lead_role": rng.choice(ROLES),
        "lead_team": profile.team,
        "lead_phone": f"0113 {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}",
        "lead_email": f"{handle}@{profile.code.lower()}.example.gov.uk",
    }


def agency_rows(rng: random.Random, profile: AgencyProfile, people: list[Person]) -> Iterator[tuple[str, dict[str, str]]]:
    """(true_id, row) for every row the agency sends: one row per involvement."""
    counter = 0
    for person in people:
        if not profile.knows(person, rng):
            continue
        identities = 2 if rng.random() < profile.duplicate else 1  # the same person twice in one agency
        for _ in range(identities):
            counter += 1
            spid = f"{profile.code[:2]}{counter:07d}"
            name = _name(rng, person, profile)
            dob, nhs = _dob(rng, person, profile), _nhs(rng, person, profile)
            sex = rng.choice((person.sex, person.sex, person.sex.lower(), "male" if person.sex == "M" else "female", ""))
            for n in range(rng.choice((1, 1, 1, 2, 2, 3))):
                if n and rng.random() < profile.alias:
                    name = _name(rng, person, profile)  # an alias recorded on a later row
                address = person.addresses[-1] if rng.random() < 0.75 else rng.choice(person.addresses)
                start = TODAY - timedelta(days=rng.randrange(10, 3 * 365))
                last = min(TODAY, start + timedelta(days=rng.randrange(0, 400)))
                yield person.true_id, {
                    "source_person_id": spid,
                    "involvement_id": f"{spid}-{n + 1}",
                    "given_name": name[0],
                    "middle_names": name[1],
                    "family_name": name[2],
                    "date_of_birth": dob,
                    "sex": sex,
                    "nhs_number": nhs,
                    **_address_fields(rng, address, profile),
                    "involvement_type": rng.choice(profile.types),
                    "involvement_start": _date(start, profile.date_form),
                    "last_contact": _date(last, profile.date_form),
                    "status": rng.choice(("open", "closed", "closed")),
                    **_lead(rng, profile),
                }
