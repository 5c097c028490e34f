"""Fixed vocabularies the world draws from: names, nicknames, places, organizations, pets, hobbies.

Every list is a tuple literal, so a seed always picks the same strings. Surface forms are chosen
so that no string is used for two kinds of thing (no person called "Pepper", no pet called
"Alice"); :mod:`._people` additionally keeps person names and nicknames unique within a scope.
"""

from __future__ import annotations

__all__ = [
    "ALLERGIES",
    "CITIES",
    "DIETS",
    "FIRST_NAMES",
    "HOBBIES",
    "LANGUAGES",
    "ORGANIZATIONS",
    "PET_NAMES",
    "PET_SPECIES",
    "PROFESSIONS",
    "SURNAMES",
]

# (first name, gender "f"/"m", nicknames). A nickname is only used when no other person in the
# scope uses the same string as a first name or nickname.
FIRST_NAMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Robert", "m", ("Bob", "Rob")),
    ("Elizabeth", "f", ("Liz", "Beth")),
    ("William", "m", ("Will", "Bill")),
    ("Katherine", "f", ("Kate", "Kathy")),
    ("Alexander", "m", ("Alex", "Sasha")),
    ("Margaret", "f", ("Maggie", "Peggy")),
    ("James", "m", ("Jim", "Jamie")),
    ("Jennifer", "f", ("Jen", "Jenny")),
    ("Michael", "m", ("Mike", "Mikey")),
    ("Christopher", "m", ("Chris", "Kit")),
    ("Daniel", "m", ("Dan", "Danny")),
    ("Samantha", "f", ("Sam", "Sammy")),
    ("Nicholas", "m", ("Nick", "Nico")),
    ("Victoria", "f", ("Vicky", "Tori")),
    ("Anthony", "m", ("Tony",)),
    ("Patricia", "f", ("Patty", "Trish")),
    ("Thomas", "m", ("Tom", "Tommy")),
    ("Jonathan", "m", ("Jon", "Jonny")),
    ("Rebecca", "f", ("Becky", "Becca")),
    ("Benjamin", "m", ("Ben", "Benji")),
    ("Josephine", "f", ("Jo", "Josie")),
    ("Edward", "m", ("Ed", "Eddie")),
    ("Catherine", "f", ("Cathy",)),
    ("Richard", "m", ("Rick", "Richie")),
    ("Susan", "f", ("Sue", "Susie")),
    ("Frederick", "m", ("Fred", "Freddie")),
    ("Theodore", "m", ("Theo", "Teddy")),
    ("Abigail", "f", ("Abby",)),
    ("Matthew", "m", ("Matt",)),
    ("Jessica", "f", ("Jess", "Jessie")),
    ("Joseph", "m", ("Joe", "Joey")),
    ("Deborah", "f", ("Debbie", "Deb")),
    ("Steven", "m", ("Steve",)),
    ("Kimberly", "f", ("Kim",)),
    ("Gregory", "m", ("Greg",)),
    ("Eleanor", "f", ("Ellie", "Nell")),
    ("Harold", "m", ("Harry", "Hal")),
    ("Penelope", "f", ("Penny",)),
    ("Lawrence", "m", ("Larry",)),
    ("Dorothy", "f", ("Dot", "Dottie")),
    ("Timothy", "m", ("Tim", "Timmy")),
    ("Christina", "f", ("Tina", "Chrissy")),
    ("Nathaniel", "m", ("Nate", "Nat")),
    ("Isabella", "f", ("Izzy", "Bella")),
    ("Zachary", "m", ("Zach",)),
    ("Gabriella", "f", ("Gabby",)),
    ("Alice", "f", ()),
    ("Priya", "f", ()),
    ("Mei", "f", ()),
    ("Lars", "m", ()),
    ("Ingrid", "f", ()),
    ("Kofi", "m", ()),
    ("Amara", "f", ()),
    ("Yuki", "f", ()),
    ("Omar", "m", ()),
    ("Fatima", "f", ()),
    ("Diego", "m", ()),
    ("Lucia", "f", ()),
    ("Mateo", "m", ()),
    ("Sofia", "f", ()),
    ("Hannah", "f", ()),
    ("Noah", "m", ()),
    ("Leila", "f", ()),
    ("Ravi", "m", ()),
    ("Anya", "f", ()),
    ("Felix", "m", ()),
    ("Nora", "f", ()),
    ("Hugo", "m", ()),
    ("Elena", "f", ()),
    ("Marco", "m", ()),
    ("Chiara", "f", ()),
    ("Jonas", "m", ()),
    ("Freya", "f", ()),
    ("Tariq", "m", ()),
    ("Zara", "f", ()),
    ("Emil", "m", ()),
    ("Ines", "f", ()),
    ("Tomas", "m", ()),
    ("Ada", "f", ()),
    ("Kai", "m", ()),
    ("Mina", "f", ()),
    ("Oskar", "m", ()),
    ("Clara", "f", ()),
    ("Pedro", "m", ()),
    ("Rosa", "f", ()),
    ("Arjun", "m", ()),
    ("Divya", "f", ()),
    ("Kenji", "m", ()),
    ("Hana", "f", ()),
    ("Luca", "m", ()),
    ("Greta", "f", ()),
    ("Malik", "m", ()),
    ("Nadia", "f", ()),
    ("Ivan", "m", ()),
    ("Olga", "f", ()),
    ("Sven", "m", ()),
    ("Astrid", "f", ()),
    ("Wei", "m", ()),
    ("Lin", "f", ()),
    ("Jamal", "m", ()),
    ("Aisha", "f", ()),
    ("Rafael", "m", ()),
    ("Carmen", "f", ()),
    ("Quentin", "m", ()),
    ("Beatriz", "f", ()),
    ("Henrik", "m", ()),
    ("Saoirse", "f", ()),
    ("Dmitri", "m", ()),
    ("Esther", "f", ()),
    ("Ibrahim", "m", ()),
    ("Yara", "f", ()),
    ("Bruno", "m", ()),
    ("Maren", "f", ()),
    ("Idris", "m", ()),
    ("Leonie", "f", ()),
    ("Anders", "m", ()),
    ("Camille", "f", ()),
    ("Rohan", "m", ()),
    ("Tamsin", "f", ()),
    ("Kwame", "m", ()),
    ("Paloma", "f", ()),
)

SURNAMES: tuple[str, ...] = (
    "Martin", "Chen", "Okafor", "Nakamura", "Fischer", "Rossi", "Novak", "Haddad", "Kowalski",
    "Lindqvist", "Moreau", "Silva", "Patel", "Murphy", "Schneider", "Dubois", "Jensen", "Garcia",
    "Ivanova", "Tanaka", "Kim", "Osei", "Mendes", "Larsen", "Baker", "Whitfield", "Romano",
    "Andersson", "Costa", "Fernandes", "Walsh", "Hughes", "Brennan", "Kaur", "Singh", "Mensah",
    "Yilmaz", "Demir", "Horvat", "Varga", "Bianchi", "Keller", "Vogel", "Brandt", "Laurent",
    "Petit", "Sato", "Watanabe", "Lopez", "Ortega", "Ramos", "Navarro", "Nieminen", "Virtanen",
    "Berg", "Dahl", "Holm", "Quinn", "Foster", "Reid", "Sutton", "Carver", "Ashworth", "Pryce",
    "Adeyemi", "Balogun", "Abbasi", "Rahman", "Farouk", "Novotny", "Dvorak", "Marsh", "Lowe",
)  # fmt: skip

CITIES: tuple[str, ...] = (
    "Berlin", "Lyon", "Lisbon", "Oslo", "Toronto", "Melbourne", "Osaka", "Barcelona", "Dublin",
    "Edinburgh", "Vienna", "Prague", "Copenhagen", "Stockholm", "Helsinki", "Amsterdam",
    "Rotterdam", "Munich", "Hamburg", "Zurich", "Geneva", "Milan", "Turin", "Porto", "Seville",
    "Valencia", "Marseille", "Bordeaux", "Montreal", "Vancouver", "Seattle", "Portland", "Denver",
    "Austin", "Chicago", "Boston", "Nairobi", "Accra", "Cape Town", "Auckland", "Wellington",
    "Singapore", "Kyoto", "Seoul", "Busan", "Bergen", "Gothenburg", "Krakow", "Budapest",
    "Ljubljana", "Tallinn", "Riga", "Glasgow", "Manchester", "Bristol", "Leeds", "Antwerp",
    "Ghent", "Bologna", "Naples",
)  # fmt: skip

ORGANIZATIONS: tuple[str, ...] = (
    "Bluefin Analytics", "Harbor Health", "Northwind Logistics", "Lumen Robotics",
    "Cedar & Pine Architects", "Quillstone Publishing", "Brightwater Energy", "Halcyon Games",
    "Ironbark Construction", "Meridian Bank", "Saltmarsh Studios", "Copperleaf Software",
    "Evergreen Schools Trust", "Orbital Freight", "Kestrel Aerospace", "Juniper Biotech",
    "Tidewater Insurance", "Silverline Rail", "Foxglove Pharmacy", "Granite Legal",
    "Mosaic Media", "Pinecrest Hospital", "Redwood Consulting", "Starling Telecom",
    "Wavecrest Labs", "Amberfield Farms", "Beacon Credit Union", "Corvid Security",
    "Driftwood Hotels", "Emberline Foods", "Fernhill Museum", "Goldcrest Pictures",
    "Hollowbrook Brewery", "Indigo Textiles", "Jadeport Shipping", "Kinfolk Coffee",
    "Larkspur University", "Maple Grid Utilities", "Nimbus Cloud", "Opal Optics",
)  # fmt: skip

PET_NAMES: tuple[str, ...] = (
    "Biscuit", "Pepper", "Luna", "Milo", "Waffles", "Pickle", "Nutmeg", "Mochi", "Ziggy",
    "Clover", "Bramble", "Pudding", "Socks", "Tofu", "Noodle", "Jellybean", "Pistachio", "Marble",
    "Rascal", "Sprout", "Toffee", "Domino", "Basil", "Cinnamon", "Pumpkin", "Gizmo", "Olive",
    "Peanut", "Mango", "Kiwi", "Shadow", "Whiskers", "Maple", "Buttons", "Truffle", "Dumpling",
    "Figaro", "Pixel", "Comet", "Nacho",
)  # fmt: skip

PET_SPECIES: tuple[str, ...] = (
    "dog", "cat", "rabbit", "parrot", "tortoise", "hamster", "beagle", "tabby cat",
    "border collie", "guinea pig",
)  # fmt: skip

HOBBIES: tuple[str, ...] = (
    "chess", "rock climbing", "pottery", "salsa dancing", "birdwatching", "sourdough baking",
    "trail running", "photography", "knitting", "sailing", "yoga", "gardening", "kayaking",
    "watercolor painting", "tennis", "cycling", "open-water swimming", "board games", "fencing",
    "surfing", "calligraphy", "woodworking", "jazz piano", "bouldering", "astronomy",
    "beekeeping", "fly fishing", "archery", "origami", "improv theatre",
)  # fmt: skip

PROFESSIONS: tuple[str, ...] = (
    "nurse", "software engineer", "teacher", "architect", "accountant", "graphic designer",
    "pharmacist", "data analyst", "civil engineer", "translator", "chef", "lawyer",
    "physiotherapist", "product manager", "electrician", "journalist",
)  # fmt: skip

DIETS: tuple[str, ...] = ("vegetarian", "vegan", "pescatarian")

ALLERGIES: tuple[str, ...] = ("peanuts", "shellfish", "cats", "pollen", "penicillin")

LANGUAGES: tuple[str, ...] = (
    "Portuguese", "Japanese", "Swahili", "Finnish", "Korean", "Italian", "Polish", "Arabic",
)  # fmt: skip
