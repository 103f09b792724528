"""Common English given names and the short forms and spellings people are recorded under.

Partners record the same child as "Bobby" in one system and "Robert" in another, so matching
and search compare roots, not spellings. Each line of the table is a root (the formal name)
followed by its diminutives and common alternative spellings; a few spellings common in UK
records outside English naming (Mohammed, Muhammad…) are included for the same reason.

Only well-established short forms are listed: a doubtful one would let two different
people's names agree, and so would a form linking two names that now stand alone (Alfie and
Freddie were both once short for Alfred). Names people are christened with stay separate
roots however alike they look (Catherine and Katherine, Stephen and Steven): similar
spelling is the comparator's job. A short form may belong to several roots (Alex: Alexander and
Alexandra); ``ROOTS_BY_NAME`` keeps them all, and ``PREFERRED_ROOT`` names the one a single
blocking key uses, the commoner formal name in UK records.
"""

from __future__ import annotations

_TABLE = """
abigail abi abbie abby gail
abraham abe bram
agnes aggie nessie
alan allan allen al
albert al bert bertie albie
alexander alex alec sandy sasha xander lex
alexandra alex lexi lexie alexa sandra sandy sasha
alfred alf alfie
alice ally allie
alistair alasdair alastair al
amanda mandy manda
amelia millie milly
andrew andy drew
angela angie ange
ann anne annie nan nancy
annabel annabelle bella
anthony antony tony ant
archibald archie arch
arthur art artie
augustus gus
barbara barb babs
beatrice bea trixie
benjamin ben benji benny
bernard bernie
bridget bridie biddy
caroline carrie caz caro
catherine catharine cath cathy kate katie kat kit kitty
charles charlie chas chaz chuck
charlotte charlie lottie lotte
christina chris chrissie chrissy tina
christine chris chrissie chrissy tina
christopher chris kit
clifford cliff
cynthia cindy
daniel dan danny
danielle dani
david dave davy davie
deborah debra debbie debs deb
derek del
diana di
donald don donnie
dorothy dot dottie dotty dolly
douglas doug dougie
edith edie
edmund ed eddie ned
edward ed eddie ted teddy ned
eleanor elinor ellie nell nellie nora
elizabeth eliza liz lizzie lizzy liza beth betty bette bess bessie libby lisa elsie
ellen ellie nell nellie
emily em emmy
emma em emmie
ernest ernie
evelyn evie
florence flo florrie flossie
frances fran franny fanny frankie
francis frank frankie
frederick frederic fred freddie freddy
gabriel gabe
gabrielle gabby gabi
geoffrey jeffrey geoff jeff
george georgie geordie
georgina georgie gina
gerald gerry jerry
gillian gill jill gilly
gregory greg
gwendolen gwendoline gwen
harold harry hal
harriet hattie hatty harry
helen nell nellie
henry harry hal hank
herbert herb bert bertie
isabel isabelle isobel isabella bella izzy issy
jacob jake
jacqueline jackie jacqui jacky
james jim jimmy jamie jimbo
jane janie
janet jan
jennifer jen jenny jenna
jeremy jerry jez
jessica jess jessie
joanne joanna jo jojo
john jack johnny jon
jonathan jon jonny jonty
joseph joe joey jo
josephine jo josie
joshua josh
judith judy jude
katherine katharine kathryn kath kathy kate katie kat kay kit kitty
kenneth ken kenny
kimberley kimberly kim
lawrence laurence larry laurie
leonard len lenny leo
leslie lesley les
lillian lilian lily lil
louise louisa lou lulu
malcolm mal
margaret maggie mags meg peggy marge madge greta maisie
martin marty
mary molly polly mae mamie
matilda tilly tilda
matthew mathew matt matty
maureen mo
michael mike mick mickey micky mikey
mildred millie milly
muhammad mohammed mohammad mohamed muhammed mohamad mohd md mo
nathaniel nat nate
nicholas nick nicky nic
nicola nichola nicky nic nikki
norman norm
oliver ollie olly
pamela pam
patricia pat patty trish tricia
patrick pat paddy
penelope penny
peter pete
philip phillip phil pip
raymond ray
rebecca rebekah becky becca bex
reginald reg reggie
richard rich richie rick ricky dick
robert rob robbie bob bobby bert
ronald ron ronnie
rosemary rose rosie
russell russ
samantha sam sammy
samuel sam sammy
sarah sara sally sadie
sean shaun shawn
sebastian seb
sidney sydney sid
stanley stan
stephen steve stevie
steven steve stevie
stuart stewart stu
susan susannah suzanne sue susie suzy
terence terrance terry tel
theodore theo ted teddy
theresa teresa tess tessa terri terry
thomas tom tommy
timothy tim timmy
tobias toby
valerie val
victoria vicky vicki tori
vincent vince vinnie
walter walt wally
wilfred wilfrid wilf
william will bill billy willie liam
winifred winnie
zachary zachariah zach zack zak
"""

# The root a shared short form takes when one key is needed: the formal name it more often
# stands for in UK records. tests/unit/test_normalise.py checks every shared form is here.
PREFERRED_ROOT: dict[str, str] = {
    "al": "alan", "alex": "alexander", "bella": "isabel", "bert": "albert", "bertie": "albert",
    "charlie": "charles", "chris": "christopher", "chrissie": "christine",
    "chrissy": "christine", "ed": "edward", "eddie": "edward", "ellie": "eleanor", "em": "emma",
    "frankie": "francis", "georgie": "georgina", "hal": "henry", "harry": "henry",
    "jerry": "gerald", "jo": "joanne", "jon": "jonathan", "kat": "catherine",
    "kate": "catherine", "katie": "catherine", "kit": "christopher", "kitty": "catherine",
    "millie": "amelia", "milly": "amelia", "mo": "muhammad", "ned": "edward", "nell": "eleanor",
    "nellie": "eleanor", "nic": "nicholas", "nicky": "nicola", "pat": "patricia",
    "sam": "samuel", "sammy": "samuel", "sandy": "alexander", "sasha": "alexandra",
    "steve": "stephen", "stevie": "stephen", "ted": "edward", "teddy": "edward",
    "terry": "terence", "tina": "christine",
}


def _roots_by_name() -> dict[str, frozenset[str]]:
    roots: dict[str, set[str]] = {}
    for line in _TABLE.strip().splitlines():
        root, *forms = line.split()
        for name in (root, *forms):
            roots.setdefault(name, set()).add(root)
    return {name: frozenset(found) for name, found in roots.items()}


ROOTS_BY_NAME: dict[str, frozenset[str]] = _roots_by_name()
ROOT_BY_NAME: dict[str, str] = {
    name: PREFERRED_ROOT.get(name, min(roots)) for name, roots in ROOTS_BY_NAME.items()
}
