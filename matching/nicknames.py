"""Common English given names and the short forms people are recorded under.

Each line is a formal name followed by its diminutives. A short form may belong to several
formal names (Alex: Alexander and Alexandra); ``ROOTS_BY_NAME`` keeps them all.
"""

from __future__ import annotations

_TABLE = """
abigail abi abbie abby gail
alexander alex alec sandy xander lex
alexandra alex lexi sandra sasha alexa
alfred alf alfie fred
andrew andy drew
anthony tony ant
barbara barb babs
benjamin ben benji benny
bernard bernie
catherine cath cathy kate katie kat cate
charles charlie chas chuck charley
charlotte charlie lottie lotte
christina chris chrissy tina
christopher chris kit topher
daniel dan danny
david dave davy davie
deborah debbie deb debra
donald don donnie
dorothy dot dotty dolly
edward ed eddie ted teddy ned
eleanor ellie nell nora elle
elizabeth liz lizzie beth betty bette eliza libby lisa elsie bess
emily em emmy millie
emma em emmie
frances fran fanny frankie
francis frank frankie
frederick fred freddie freddy
gabriel gabe gabby
gabrielle gabby gabi
geoffrey geoff jeff
george geordie
gerald gerry jerry
gregory greg
harold harry hal
harriet hattie harry
henry harry hal hank
isabella bella izzy isla
isabel bella izzy
jacob jake jay
james jim jimmy jamie jimbo
jane janie jan
janet jan jannie
jennifer jen jenny jenna
jessica jess jessie
joanne jo jojo joanna
john jack johnny jon
jonathan jon jonny nathan
joseph joe joey jo
joshua josh
judith judy jude
katherine kate katie kathy kat kath kay
kenneth ken kenny
lawrence larry laurie
leonard len lenny leo
louise lou lulu
lucy lu
margaret maggie meg peggy marge madge greta maisie
matthew matt matty
michael mike mick mickey mikey
nathaniel nat nate nathan
nicholas nick nicky
nicola nicky nic
oliver ollie olly
patricia pat patty trish tricia
patrick pat paddy
peter pete
philip phil pip
rebecca becky becca bex
richard rich rick ricky dick richie
robert rob robbie bob bobby bert
ronald ron ronnie
rosemary rose rosie
samantha sam sammy
samuel sam sammy
sarah sally sadie
stephen steve stevie
steven steve stevie
susan sue susie suzy
theodore theo ted teddy
thomas tom tommy
timothy tim timmy
valerie val
victoria vicky tori vic
walter walt wally
william will bill billy liam willie
zachary zach zack
"""


def _roots_by_name() -> dict[str, frozenset[str]]:
    roots: dict[str, set[str]] = {}
    for line in _TABLE.strip().splitlines():
        formal, *short = line.split()
        roots.setdefault(formal, set()).add(formal)
        for name in short:
            roots.setdefault(name, set()).add(formal)
    return {name: frozenset(found) for name, found in roots.items()}


ROOTS_BY_NAME: dict[str, frozenset[str]] = _roots_by_name()
