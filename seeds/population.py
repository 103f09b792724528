"""The true population of the synthetic partnership: a place, households and people.

Everything is drawn from one seeded ``random.Random`` so a seed always gives the same
people. Households share a surname and an address; some people moved (address history);
twins, a parent and child sharing a name, and common names with close birthdays are made
on purpose, because they are what fools a matcher.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

SURNAMES = (
    "smith jones taylor brown williams wilson johnson davies robinson wright thompson evans walker white "
    "roberts green hall wood jackson clarke patel khan lewis james phillips mason mitchell rose davis "
    "rodriguez cox alexander morgan moore hughes edwards hill cooper ward morris king lee harris scott "
    "baker young allen turner parker collins bell murphy price bennett griffiths kelly simpson marshall "
    "ahmed hussain ali begum shah iqbal rahman akhtar okafor adeyemi mensah nowak kowalski oconnor "
    "mcdonald macleod fletcher chapman dixon holmes palmer pearson barnes knight lloyd butler russell "
    "hunt fox ellis stevens howard gibson ashworth pickering sutcliffe haigh greenwood lockwood"
).split()
RARE_SURNAMES = "featherstonehaugh quarmby entwistle ormerod thistlethwaite braithwaite womersley".split()
MALE = ("james john robert michael william david richard joseph thomas charles christopher daniel matthew "
        "anthony mark steven paul andrew joshua kenneth kevin brian george edward ronald timothy jason jeffrey "
        "ryan jacob gary nicholas eric jonathan stephen larry justin scott benjamin samuel gregory alexander "
        "patrick jack harry oliver mohammed ahmed omar liam noah leo oscar alfie charlie freddie").split()
FEMALE = ("mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa margaret "
          "betty sandra ashley dorothy kimberly emily donna michelle carol amanda melissa deborah stephanie "
          "rebecca laura sharon cynthia kathleen amy shirley angela helen anna brenda pamela nicole samantha "
          "katherine emma ruth christine catherine olivia amelia isla ava mia grace fatima aisha zara "
          "victoria harriet eleanor").split()
STREETS = ("park mill church station high victoria albert queen king manor school green chapel north "
           "south west east york oak elm beech ash cedar willow meadow orchard spring bridge water castle "
           "moor hall grange vicarage farm well cliff hill valley river brook").split()
SUFFIXES = ("road", "street", "avenue", "lane", "close", "drive", "grove", "terrace", "crescent", "gardens", "way")
TOWNS = (("Leeds", ("LS6", "LS7", "LS8", "LS9", "LS11", "LS12")), ("Bradford", ("BD3", "BD5", "BD7", "BD8")),
         ("Wakefield", ("WF1", "WF2")), ("Huddersfield", ("HD1", "HD2")), ("Halifax", ("HX1", "HX3")))
TODAY = date(2026, 11, 1)
VULNERABLE_HOUSEHOLDS = 0.15


@dataclass(frozen=True)
class Address:
    flat: str
    number: str
    street: str
    town: str
    postcode: str
    uprn: str


@dataclass
class Person:
    true_id: str
    given: str
    middle: str
    family: str
    dob: date
    sex: str
    nhs: str
    addresses: list[Address] = field(default_factory=list)  # oldest first
    children: list["Person"] = field(default_factory=list)
    is_parent: bool = False
    vulnerable: bool = False  # known to services: agencies draw mostly from these households


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1))) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


class Place:
    """Streets in postcodes in towns; each property has a UPRN, some are blocks of flats."""

    def __init__(self, rng: random.Random, properties: int) -> None:
        self.rng = rng
        self.addresses: list[Address] = []
        uprn = 10_000_000_000 + rng.randrange(1_000_000)
        while len(self.addresses) < properties:
            town, outwards = rng.choice(TOWNS)
            outward = rng.choice(outwards)
            street = f"{rng.choice(STREETS)} {rng.choice(SUFFIXES)}".title()
            postcode = f"{outward} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            for number in range(1, rng.randrange(8, 40)):
                flats = rng.choice(("",) * 9 + ("1", "2", "3", "4"))
                for flat in ([""] if not flats else [str(f) for f in range(1, int(flats) + 2)]):
                    uprn += rng.randrange(1, 50)
                    self.addresses.append(Address(flat, str(number), street, town, postcode, str(uprn)))

    def any(self) -> Address:
        return self.rng.choice(self.addresses)


def _dob(rng: random.Random, low: int, high: int) -> date:
    return TODAY - timedelta(days=rng.randrange(low * 365, high * 365 + 1))


def build_population(rng: random.Random, people: int) -> list[Person]:
    """About ``people`` people in households; ids are stable for a seed."""
    place = Place(rng, max(50, people // 2))
    population: list[Person] = []

    def person(given_pool: tuple[str, ...] | list[str], family: str, dob: date, sex: str, home: Address) -> Person:
        p = Person(f"T{len(population) + 1:07d}", rng.choice(given_pool), rng.choice(("", "", rng.choice(MALE + FEMALE))),
                   family, dob, sex, nhs_number(rng), [home])
        population.append(p)
        return p

    while len(population) < people:
        home = place.any()
        family = rng.choice(RARE_SURNAMES) if rng.random() < 0.03 else rng.choice(SURNAMES)
        if rng.random() < 0.05:
            family = f"{family}-{rng.choice(SURNAMES)}"  # double-barrelled, often recorded in part
        kind = rng.random()
        first = len(population)
        if kind < 0.45:  # a family with children
            mother = person(FEMALE, family, _dob(rng, 22, 50), "F", home)
            father = person(MALE, family, _dob(rng, 22, 55), "M", home) if rng.random() < 0.7 else None
            for parent in filter(None, (mother, father)):
                parent.is_parent = True
            youngest_parent_age = (TODAY - mother.dob).days // 365
            for _ in range(rng.randrange(1, 4)):
                sex = rng.choice("MF")
                child = person(MALE if sex == "M" else FEMALE, family, _dob(rng, 0, min(17, youngest_parent_age - 18)), sex, home)
                mother.children.append(child)
                if rng.random() < 0.04:  # twins: same birthday, same surname and home, another name
                    twin = person(MALE if sex == "M" else FEMALE, family, child.dob, sex, home)
                    mother.children.append(twin)
            if father and rng.random() < 0.05:  # a son named after his father, at the same address
                junior = person(MALE, family, _dob(rng, 0, 17), "M", home)
                junior.given, junior.middle = father.given, father.middle
        elif kind < 0.75:  # an older adult, sometimes a couple
            person(MALE + FEMALE, family, _dob(rng, 65, 95), rng.choice("MF"), home)
            if rng.random() < 0.5:
                person(MALE + FEMALE, family, _dob(rng, 65, 95), rng.choice("MF"), home)
        else:  # a single adult
            sex = rng.choice("MF")
            person(MALE if sex == "M" else FEMALE, family, _dob(rng, 18, 64), sex, home)
        if rng.random() < VULNERABLE_HOUSEHOLDS:
            for member in population[first:]:
                member.vulnerable = True
    for p in population:  # a third of people moved once or twice
        for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 2))):
            p.addresses.append(place.any())
    return population
