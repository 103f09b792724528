"""Normalisation on real-world forms: the same person typed many ways gives the same values."""

from __future__ import annotations

from datetime import date

import pytest

from matching import normalise as n
from matching.nicknames import PREFERRED_ROOT, ROOTS_BY_NAME

# Names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("Zoë", "zoe"), ("ZOË", "zoe"), ("Renée", "renee"), ("José", "jose"), ("François", "francois"),
        ("Łukasz", "lukasz"), ("ŁUKASZ", "lukasz"), ("Bjørn", "bjorn"), ("Strauß", "strauss"),
        ("Æsa", "aesa"), ("Đorđe", "dorde"), ("Siân", "sian"), ("Dafydd", "dafydd"), ("Seán", "sean"),
        ("Małgorzata", "malgorzata"), ("Øyvind", "oyvind"), ("Nuñez", "nunez"), ("Müller", "muller"),
        ("Zoe\u0308", "zoe"),  # decomposed diaeresis, as some systems send it
        ("O'Brien", "obrien"), ("O’Neill", "oneill"), ("D‘Arcy", "darcy"), ("N'Golo", "ngolo"),
        ("Smith-Jones", "smith jones"), ("  mary-anne ", "mary anne"), ("Jean-Luc", "jean luc"),
        ("st. john", "st john"), ("Smith,John", "smith john"), ("J. R. R.", "j r r"),
        ("Anne   Marie", "anne marie"), ("\tAmir\n", "amir"), ("SMITH", "smith"),
        (None, ""), ("", ""), ("   ", ""), ("---", ""), ("😀", ""), ("Ana 😀 Smith", "ana smith"),
        # Other scripts, transliterated so they meet the same name written in Latin letters.
        ("Мария Иванова", "mariya ivanova"), ("Зорка", "zorka"), ("Γιώργος", "giorgos"), ("李", "li"),
        ("प्रिया शर्मा", "priya srma"), ("ਗੁਰਪ੍ਰੀਤ", "gurprit"), ("रमा", "rma"), ("रीमा", "rima"),
        ("বো", "bo"), ("গৌ", "gau"), ("கோ", "ko"), ("கௌ", "kau"),  # two-part vowels, whole
        ("ख़ान", "khan"), ("ਖ਼ਾਨ", "khan"), ("प्रिया", n.clean_name("प्रिया")),
    ],
)
def test_clean_name_folds_case_accents_and_punctuation(raw: str | None, cleaned: str) -> None:
    assert n.clean_name(raw) == cleaned


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("Mrs Jane Smith", "jane smith"), ("DR. Amir  Khan", "amir khan"), ("Mr", ""), ("Ms.", ""),
        ("Miss Jones", "jones"), ("Mx Sam Lee", "sam lee"), ("Revd Dr Ann Hope", "ann hope"),
        ("Rev. Paul Green", "paul green"), ("Prof Brian Cox", "brian cox"), ("Sir Elton John", "elton john"),
        ("Dame Judi Dench", "judi dench"), ("Lady Jane Grey", "jane grey"), ("Master Tom Hill", "tom hill"),
        ("Smith, Mrs Jane", "smith jane"),
        # Titles that are also surnames stay when they are the name itself.
        ("Lord", "lord"), ("Peter Lord", "peter lord"), ("Mr Lord", "lord"), ("Master", "master"),
        # Whole tokens only.
        ("Drew", "drew"), ("Mrsa", "mrsa"), ("Lordan", "lordan"), ("Missy", "missy"),
    ],
)
def test_clean_name_drops_titles(raw: str, cleaned: str) -> None:
    assert n.clean_name(raw) == cleaned


def test_name_tokens_and_given_name_key() -> None:
    assert n.name_tokens("Mary-Anne O'Hara") == ("mary", "anne", "ohara")
    assert n.name_tokens(None) == ()
    assert n.given_name_key("Mr Bob Smith") == "bob"
    assert n.given_name_key("Jean-Luc") == "jean"
    assert n.given_name_key("  ") == ""


@pytest.mark.parametrize(
    "raw, parts",
    [
        ("Smith-Jones", ("smith", "jones")), ("Bonham Carter", ("bonham", "carter")),
        ("Bonham-Carter", ("bonham", "carter")), ("O'Neill", ("oneill",)), ("O Neill", ("oneill",)),
        ("van der Berg", ("vanderberg",)), ("Van-Der-Berg", ("vanderberg",)), ("Vanderberg", ("vanderberg",)),
        ("De Souza", ("desouza",)), ("de la Cruz", ("delacruz",)), ("Da Silva", ("dasilva",)),
        ("dos Santos", ("dossantos",)), ("Mac Donald", ("macdonald",)), ("Mc Donald", ("mcdonald",)),
        ("St John", ("stjohn",)), ("St. John-Smith", ("stjohn", "smith")), ("Le", ("le",)),
        ("Al Hassan", ("alhassan",)), ("Smith-Van Dyke", ("smith", "vandyke")),
        ("Müller-Lüdenscheidt", ("muller", "ludenscheidt")),
        ("", ()), (None, ()),
    ],
)
def test_family_name_parts(raw: str | None, parts: tuple[str, ...]) -> None:
    assert n.family_name_parts(raw) == parts
    assert n.family_name_key(raw) == "".join(parts)


def test_family_name_key_ignores_how_parts_are_separated() -> None:
    spellings = ("Smith-Jones", "Smith Jones", "SMITHJONES", "smith - jones")
    assert {n.family_name_key(s) for s in spellings} == {"smithjones"}


@pytest.mark.parametrize(
    "name, root",
    [
        ("bob", "robert"), ("bobby", "robert"), ("rob", "robert"), ("robbie", "robert"), ("robert", "robert"),
        ("bill", "william"), ("billy", "william"), ("will", "william"), ("liam", "william"),
        ("liz", "elizabeth"), ("beth", "elizabeth"), ("betty", "elizabeth"), ("eliza", "elizabeth"),
        ("lizzie", "elizabeth"),
        ("maggie", "margaret"), ("peggy", "margaret"), ("meg", "margaret"),
        ("kate", "catherine"), ("katie", "catherine"), ("cathy", "catherine"), ("cath", "catherine"),
        ("kathy", "katherine"), ("kathryn", "katherine"), ("isobel", "isabel"), ("mathew", "matthew"),
        ("jim", "james"), ("jimmy", "james"), ("jamie", "james"), ("sandy", "alexander"),
        ("mike", "michael"), ("mick", "michael"), ("jack", "john"), ("steve", "stephen"), ("steven", "steven"),
        ("mohammed", "muhammad"), ("mohamed", "muhammad"), ("peggy", "margaret"), ("ted", "edward"),
        # Shared short forms take the commoner root.
        ("alex", "alexander"), ("sam", "samuel"), ("chris", "christopher"), ("harry", "henry"), ("pat", "patricia"),
        # Unknown names are their own root.
        ("zebedee", "zebedee"), ("aaliyah", "aaliyah"), ("", ""),
    ],
)
def test_given_name_root(name: str, root: str) -> None:
    assert n.given_name_root(name) == root
    assert root in n.given_name_roots(name) or name == ""


@pytest.mark.parametrize(
    "name, roots",
    [
        ("alex", {"alexander", "alexandra"}), ("sam", {"samuel", "samantha"}),
        ("chris", {"christopher", "christina", "christine"}), ("harry", {"harold", "harriet", "henry"}),
        ("frankie", {"frances", "francis"}), ("charlie", {"charles", "charlotte"}),
        ("jo", {"joanne", "joseph", "josephine"}),
        ("bob", {"robert"}), ("robert", {"robert"}), ("zebedee", {"zebedee"}),
    ],
)
def test_ambiguous_nicknames_keep_every_root(name: str, roots: set[str]) -> None:
    assert n.given_name_roots(name) == roots


@pytest.mark.parametrize(
    "a, b",
    [
        ("harriet", "henry"), ("ali", "alison"), ("isla", "isabella"), ("nathan", "jonathan"),
        ("alfie", "freddie"),  # both once short for Alfred; now common names in their own right
        ("annie", "bella"),  # joined only through Annabel
        ("catherine", "katherine"), ("stephen", "steven"),  # names in their own right: spelling is the comparator's job
    ],
)
def test_different_names_do_not_share_roots(a: str, b: str) -> None:
    assert not n.given_name_roots(a) & n.given_name_roots(b)


def test_every_shared_short_form_has_a_preferred_root_among_its_roots() -> None:
    shared = {name for name, roots in ROOTS_BY_NAME.items() if len(roots) > 1}
    assert shared == set(PREFERRED_ROOT)
    assert all(PREFERRED_ROOT[name] in ROOTS_BY_NAME[name] for name in shared)


def test_the_nickname_table_covers_many_names() -> None:
    roots = {root for found in ROOTS_BY_NAME.values() for root in found}
    assert len(roots) >= 80


@pytest.mark.parametrize(
    "a, b",
    [("smith", "smyth"), ("stephens", "stevens"), ("philips", "phillips"), ("reid", "reed"), ("clark", "clarke"),
     ("macdonald", "mcdonald"), ("davies", "davis"), ("mohammed", "muhammad"), ("hussain", "hussein"),
     ("catherine", "katherine"), ("green", "greene"), ("gray", "grey")],
)
def test_phonetic_key_brings_spelling_variants_together(a: str, b: str) -> None:
    assert n.phonetic_key(a) == n.phonetic_key(b)


def test_phonetic_key_keeps_different_names_apart_and_is_never_empty_for_a_token() -> None:
    assert n.phonetic_key("smith") != n.phonetic_key("jones")
    assert n.phonetic_key("123") == "123"
    assert n.phonetic_key("") == ""


# Dates, sex, NHS numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, parsed",
    [
        ("2010-03-04", date(2010, 3, 4)), ("04/03/2010", date(2010, 3, 4)),
        ("31/12/1999", date(1999, 12, 31)), ("2024-02-29", date(2024, 2, 29)),
        ("29/02/2000", date(2000, 2, 29)), (" 2010-03-04 ", date(2010, 3, 4)), ("1900-01-01", date(1900, 1, 1)),
        ("", None), ("  ", None), (None, None),
    ],
)
def test_parse_date_accepts_the_contract_forms(raw: str | None, parsed: date | None) -> None:
    assert n.parse_date(raw) == parsed


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("2023-02-29", "not a real calendar date"), ("1900-02-29", "not a real calendar date"),
        ("2023-02-30", "not a real calendar date"), ("31/04/2020", "not a real calendar date"),
        ("13/13/2020", "not a real calendar date"), ("00/01/2020", "not a real calendar date"),
        ("2010/03/04", "form"), ("03-04-2010", "form"), ("4 March 2010", "form"), ("20100304", "form"),
        ("yesterday", "form"), ("04/03/10", "form"), ("2010-3-4", "form"), ("2010-03-04T00:00:00", "form"),
        ("04.03.2010", "form"), ("١٢/٠٣/٢٠١٠", "form"),
        ("1/2/2020", "form"), ("4/3/2010", "form"), ("04/3/2010", "form"), ("4/03/2010", "form"),
        ("004/03/2010", "form"), ("04/03/02010", "form"),
    ],
)
def test_parse_date_refuses_other_forms_and_impossible_dates(raw: str, reason: str) -> None:
    with pytest.raises(n.InvalidValue, match=reason) as error:
        n.parse_date(raw)
    assert raw not in str(error.value)


@pytest.mark.parametrize(
    "raw, sex",
    [("M", "M"), ("m", "M"), ("Male", "M"), ("MALE", "M"), ("F", "F"), ("female", "F"), (" Female ", "F"),
     ("U", "U"), ("Unknown", "U"), ("x", "X"), ("X", "X"), ("", None), (None, None)],
)
def test_normalise_sex(raw: str | None, sex: str | None) -> None:
    assert n.normalise_sex(raw) == sex


@pytest.mark.parametrize("raw", ["boy", "girl", "1", "mf", "not known"])
def test_normalise_sex_refuses_other_values(raw: str) -> None:
    with pytest.raises(n.InvalidValue):
        n.normalise_sex(raw)


@pytest.mark.parametrize(
    "raw, digits",
    [("9434765919", "9434765919"), ("943 476 5919", "9434765919"), ("943-476-5919", "9434765919"),
     ("4010232137", "4010232137"), (" 401 023 2137 ", "4010232137"), ("401-023-2137", "4010232137"),
     ("40102 32137", "4010232137"), ("", None), (None, None), ("   ", None)],
)
def test_valid_nhs_numbers(raw: str | None, digits: str | None) -> None:
    assert n.normalise_nhs_number(raw) == digits


@pytest.mark.parametrize("position", range(10))
def test_every_single_digit_mistype_fails_the_check(position: int) -> None:
    for number in ("9434765919", "4010232137"):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1:]
                with pytest.raises(n.InvalidValue, match="Modulus 11|10 digits") as error:
                    n.normalise_nhs_number(typo)
                assert typo not in str(error.value)


@pytest.mark.parametrize("raw", ["9434765991", "4010231237"])
def test_swapped_adjacent_digits_fail_the_check(raw: str) -> None:
    with pytest.raises(n.InvalidValue, match="Modulus 11"):
        n.normalise_nhs_number(raw)


@pytest.mark.parametrize(
    "raw", ["943476591", "94347659190", "94347659AB", "943.476.5919", "９４３４７６５９１９", "NHS9434765919"]
)
def test_nhs_numbers_of_the_wrong_form(raw: str) -> None:
    with pytest.raises(n.InvalidValue, match="10 digits"):
        n.normalise_nhs_number(raw)


@pytest.mark.parametrize("digit", "0123456789")
def test_placeholder_nhs_numbers_pass_modulus_11_and_are_told_apart(digit: str) -> None:
    # Every ten-equal-digit number passes Modulus 11: the contract keeps it, matching must not use it.
    assert n.normalise_nhs_number(digit * 10) == digit * 10
    assert n.is_placeholder_nhs_number(digit * 10)
    assert not n.is_placeholder_nhs_number("9434765919")


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1,0,0,0,0,0,0,0,1: 10 + 2 = 12, 12 % 11 = 1, 11 - 1 = 10: no valid number starts this way.
    assert n.nhs_check_digit("100000001") is None
    assert n.nhs_check_digit("943476591") == 9


# Postcodes and UPRNs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, full, outward, sector, area",
    [
        ("sw1a1aa", "SW1A 1AA", "SW1A", "SW1A 1", "SW"), (" SW1A  1AA ", "SW1A 1AA", "SW1A", "SW1A 1", "SW"),
        ("ls6 2ab", "LS6 2AB", "LS6", "LS6 2", "LS"), ("Ls62Ab", "LS6 2AB", "LS6", "LS6 2", "LS"),
        ("M1 1AE", "M1 1AE", "M1", "M1 1", "M"), ("m11ae", "M1 1AE", "M1", "M1 1", "M"),
        ("B33 8TH", "B33 8TH", "B33", "B33 8", "B"), ("cr26xh", "CR2 6XH", "CR2", "CR2 6", "CR"),
        ("DN55 1PT", "DN55 1PT", "DN55", "DN55 1", "DN"), ("W1A 0AX", "W1A 0AX", "W1A", "W1A 0", "W"),
        ("EC1A 1BB", "EC1A 1BB", "EC1A", "EC1A 1", "EC"), ("E1W 1AA", "E1W 1AA", "E1W", "E1W 1", "E"),
        ("N1C 4AG", "N1C 4AG", "N1C", "N1C 4", "N"), ("E20 2ST", "E20 2ST", "E20", "E20 2", "E"),
        ("ZE1 0AA", "ZE1 0AA", "ZE1", "ZE1 0", "ZE"), ("bt1 5gs", "BT1 5GS", "BT1", "BT1 5", "BT"),
        ("EH1 1YZ", "EH1 1YZ", "EH1", "EH1 1", "EH"), ("CF10 1EP", "CF10 1EP", "CF10", "CF10 1", "CF"),
        ("GIR 0AA", "GIR 0AA", "GIR", "GIR 0", "GIR"), ("gir0aa", "GIR 0AA", "GIR", "GIR 0", "GIR"),
        ("SW1A\u00a01AA", "SW1A 1AA", "SW1A", "SW1A 1", "SW"),
    ],
)
def test_uk_postcodes(raw: str, full: str, outward: str, sector: str, area: str) -> None:
    postcode = n.normalise_postcode(raw)
    assert postcode == n.Postcode(full, outward, full.split()[1], sector, outward, area)


@pytest.mark.parametrize(
    "raw",
    [
        "02134", "90210", "90210-1234", "K1A 0B1", "75008", "D02 X285", "LS6", "LS6 2", "2AB", "hello",
        "GIR 1AA", "1AB 2CD", "SW1A 1AA X", "LS6-2AB",
        "QA1 1AA", "VA1 1AA", "XA1 1AA",  # Q, V, X never start a postcode
        "AI1 1AA", "AJ1 1AA", "AZ1 1AA",  # I, J, Z are never second
        "LS6 2CA", "LS6 2AI", "LS6 2OO", "LS6 2AV",  # C, I, K, M, O, V are never in the inward part
        "LS6 OAB",  # the letter O for a zero
    ],
)
def test_non_uk_postcodes_are_refused(raw: str) -> None:
    with pytest.raises(n.InvalidValue, match="not a UK postcode") as error:
        n.normalise_postcode(raw)
    assert raw not in str(error.value)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_postcode_is_none(raw: str | None) -> None:
    assert n.normalise_postcode(raw) is None


@pytest.mark.parametrize(
    "raw, uprn",
    [("100023336956", "100023336956"), ("000012345", "12345"), (" 10033544614 ", "10033544614"), ("1", "1"),
     ("000000000123", "123"), ("", None), (None, None)],
)
def test_uprn(raw: str | None, uprn: str | None) -> None:
    assert n.normalise_uprn(raw) == uprn


@pytest.mark.parametrize("raw", ["1000233369561", "000000000000123", "0000100023336956", "12a", "0", "000", "-5", "1.0E+11", "100 023", "²"])
def test_bad_uprn(raw: str) -> None:
    with pytest.raises(n.InvalidValue, match="UPRN"):
        n.normalise_uprn(raw)


# Addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line_1, line_2, flat, number, building, street",
    [
        ("Flat 2, 14 Park Road", "", "2", "14", "", "park road"),
        ("FLAT 2 14 PARK ROAD", "", "2", "14", "", "park road"),
        ("FLAT 2 14 PARK RD", "", "2", "14", "", "park road"),
        ("14 Park Road", "Flat 2", "2", "14", "", "park road"),
        ("flat2, 14 park road", None, "2", "14", "", "park road"),
        ("Flat 2A, 14 Park Rd.", "", "2a", "14", "", "park road"),
        ("Flat B, 14 Park Road", "", "b", "14", "", "park road"),
        ("Apt 3, 5 High St", "", "3", "5", "", "high street"),
        ("Apt. 3, 5 High St", "", "3", "5", "", "high street"),
        ("Apartment 5, The Maltings, 1 Brewery Lane", "", "5", "1", "the maltings", "brewery lane"),
        ("Room 4, 10 Station Rd", "", "4", "10", "", "station road"),
        ("Unit 7, 3 Mill Ln", "", "7", "3", "", "mill lane"),
        ("Ground Floor Flat, 14 Park Road", "", "ground", "14", "", "park road"),
        ("Top Flat, 14 Park Road", "", "top", "14", "", "park road"),
        ("GROUND FLOOR FLAT 3 PARK RD", "", "ground", "3", "", "park road"),
        ("Basement Flat 3 Park Rd", "", "basement", "3", "", "park road"),
        ("No. 14 Park Road", "", "", "14", "", "park road"),
        ("2/14 Park Road", "", "2", "14", "", "park road"),  # flat 2 of number 14
        ("2A/14 Park Road", "", "2a", "14", "", "park road"),
        ("Flat 2/1, 14 Park Road", "", "2/1", "14", "", "park road"),  # Glasgow: floor 2, flat 1
        ("2/1, 14 Park Road", "", "2/1", "14", "", "park road"),
        ("14A Park Avenue", "", "", "14a", "", "park avenue"),
        ("14 a Park Ave", "", "", "14", "", "a park avenue"),
        ("14-16 Mill Ln", "", "", "14-16", "", "mill lane"),
        ("14 - 16 Mill Ln", "", "", "14-16", "", "mill lane"),
        ("14, Park Road", "", "", "14", "", "park road"),
        ("14 Park Road", "Headingley", "", "14", "", "park road"),
        ("Rose Cottage, Mill Lane", "", "", "", "rose cottage", "mill lane"),
        ("Rose Cottage", "Mill Lane", "", "", "rose cottage", "mill lane"),
        ("Rose Cottage, Mill Lane, Headingley", "", "", "", "rose cottage", "mill lane"),
        ("The Old Barn, Manor Farm, Church Lane", "", "", "", "the old barn manor farm", "church lane"),
        ("Rose Cottage, Hill Top", "", "", "", "rose cottage", "hill top"),
        ("Rose Cottage", "", "", "", "rose cottage", ""),
        ("Mill Lane", "", "", "", "", "mill lane"),
        ("Flat 3 Kings Court, 22 High St", "", "3", "22", "kings court", "high street"),
        ("Flat 3, Kings Ct, 22 High St", "", "3", "22", "kings court", "high street"),
        ("3 St Mary's Rd", "", "", "3", "", "saint marys road"),
        ("3 St. Mary’s Road", "", "", "3", "", "saint marys road"),
        ("3 Saint Marys Road", "", "", "3", "", "saint marys road"),
        ("12 Old St Johns Rd", "", "", "12", "", "old saint johns road"),
        ("12 High St N", "", "", "12", "", "high street north"),
        ("5 Mt Pleasant", "", "", "5", "", "mount pleasant"),
        ("7 Acacia Gdns", "", "", "7", "", "acacia gardens"),
        ("9 Elm Gro", "", "", "9", "", "elm grove"),
        ("9 Elm Gr", "", "", "9", "", "elm grove"),
        ("1 Victoria Terr", "", "", "1", "", "victoria terrace"),
        ("2 Marine Cres", "", "", "2", "", "marine crescent"),
        ("4 Oak Cl", "", "", "4", "", "oak close"),
        ("6 Beech Dr", "", "", "6", "", "beech drive"),
        ("8 Market Pl", "", "", "8", "", "market place"),
        ("10 Queens Sq", "", "", "10", "", "queens square"),
        ("11 Stratford-upon-Avon Rd", "", "", "11", "", "stratford upon avon road"),
        ("Café Rouge House, 3 Rue St", "", "", "3", "cafe rouge house", "rue street"),
        ("", "", "", "", "", ""),
        (None, None, "", "", "", ""),
        (",,, ;;", "--", "", "", "", ""),
    ],
)
def test_addresses(line_1: str | None, line_2: str | None, flat: str, number: str, building: str, street: str) -> None:
    parts = n.normalise_address(line_1, line_2, "Leeds", n.normalise_postcode("LS6 2AB"))
    assert (parts.flat, parts.number, parts.building, parts.street) == (flat, number, building, street)
    assert (parts.postcode, parts.town, parts.uprn) == ("LS6 2AB", "leeds", "")


def test_two_spellings_of_one_address_share_a_key() -> None:
    a = n.normalise_address("Flat 2, 14 Park Road", None, "Leeds", n.normalise_postcode("ls62ab"))
    b = n.normalise_address("14 PARK RD", "flat 2", "LEEDS", n.normalise_postcode("LS6 2AB"))
    c = n.normalise_address("FLAT 2 14 PARK RD.", "Headingley", None, n.normalise_postcode("LS6 2AB"))
    assert a.key == b.key == c.key == "2|14||park road|LS6 2AB"
    assert a.key != n.normalise_address("Flat 3, 14 Park Road", None, "Leeds", n.normalise_postcode("LS6 2AB")).key
    assert a.key != n.normalise_address("14 Park Road", None, "Leeds", n.normalise_postcode("LS6 2AB")).key


def test_the_town_stands_in_for_a_missing_postcode() -> None:
    parts = n.normalise_address("14 Park Road", None, "St Albans", None)
    assert parts.key == "|14||park road|st albans"
    assert parts.postcode == ""


def test_address_uprn_is_normalised_and_a_bad_one_never_raises() -> None:
    assert n.normalise_address("14 Park Road", None, None, None, "00012345").uprn == "12345"
    assert n.normalise_address("14 Park Road", None, None, None, "not a uprn").uprn == ""
    assert n.normalise_address("14 Park Road", None, None, None, None).uprn == ""


@pytest.mark.parametrize(
    "line_1", ["Flat", "Flat Top Farm", "Unity Street", "/ / /", "2/", "Flat 1/", "-14 Park Road", "14-", "💥 Road"]
)
def test_odd_address_text_never_raises(line_1: str) -> None:
    parts = n.normalise_address(line_1, line_1, line_1, None, line_1)
    assert isinstance(parts.key, str)


def test_unity_street_is_not_a_unit() -> None:
    assert n.normalise_address("4 Unity Street", None, None, None).flat == ""
