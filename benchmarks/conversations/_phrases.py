"""Phrase banks for the chat generator: many surface forms per fact, small talk, filler.

Placeholders: ``{city}``, ``{prev}``, ``{org}``, ``{role}``, ``{pet}``, ``{species}``,
``{hobby}``, ``{sib}``, ``{rel}``, ``{partner}``, ``{when}``, ``{lang}``, ``{friend}``,
``{owner}``, ``{they}`` (he/she), ``{them}``. Evidence forms always carry the fact's value (and
``{when}`` for dated facts); question forms are worded apart from them on purpose.
"""

from __future__ import annotations

from typing import Any

# -- facts: (direct statements by the owner, (friend question, owner answer) pairs) ----------

MOVE_DIRECT = (
    "so we finally moved to {city} {when}!!",
    "big news: im officially a {city} resident as of {when}",
    "{when} I packed up everything and relocated to {city}",
    "guess who lives in {city} now 😅 moved {when}",
    "the move to {city} happened {when}, still surrounded by boxes",
    "I left {prev} {when}. {city} is home now",
    "update from {city}!! got the keys {when} and the flat is ours",
)
MOVE_QA = (
    ("wait where did you end up moving?", "{city}, finally. got there {when}"),
    ("so which city did you pick in the end?", "{city}! we drove down {when}"),
    ("did the move happen?? where to?", "yep, ended up in {city} {when} lol"),
    ("are you still in {prev}?", "nope, {city} since {when} 🙂"),
)
MOVE_DETAIL = (
    ("how's the new place?", "tiny but the light is amazing"),
    ("do you miss {prev}?", "the food mostly. and you obviously"),
    ("is the neighbourhood nice?", "loud at night but theres a bakery downstairs so"),
)
MOVE_Q = (
    "Which city is {owner} living in these days?",
    "Where is {owner} based at the moment?",
    "What city did {owner} relocate to?",
    "Where did {owner} move to most recently?",
    "Which city does {owner} live in now?",
    "Which city did {owner} finally move to?",
)
MOVE_Q_EARLIER = (
    "Where did {owner} go after leaving {prev}?",
    "Which city did {owner} head to when {they} left {prev}?",
)
MOVE_T = (
    "When did {owner} settle in {city}?",
    "Roughly when did {owner} arrive in {city}?",
)

JOB_DIRECT = (
    "started my new job at {org} {when}, {role} stuff as usual",
    "first day at {org} was {when}! terrifying",
    "im a {role} at {org} now, since {when}",
    "quick update: {org} hired me {when} 🎉",
    "{when} I signed the contract with {org}. {role} again but way better pay",
)
JOB_QA = (
    ("how's the job hunt going??", "got one!! {org} took me on {when}"),
    ("any news on the work front?", "yes!! {org}, as a {role}. started {when}"),
    ("did you hear back from those interviews?", "{org} said yes {when} 😭 im a {role} there now"),
)
JOB_DETAIL = (
    ("how are the coworkers?", "nice so far, lots of meetings lol"),
    ("is the commute bad?", "25 min by bike, cant complain"),
    ("do they let you work from home?", "two days a week which is perfect"),
)
JOB_Q = (
    "Who is {owner}'s current employer?",
    "Which company did {owner} join?",
    "What organisation does {owner} work for now?",
    "Where did {owner} get a new job?",
    "Which company hired {owner}?",
    "Where does {owner} work as a {role}?",
    "Which company took {owner} on?",
)
JOB_T = (
    "When did {owner} begin working for {org}?",
    "Since when has {owner} been on the payroll at {org}?",
)

PET_DIRECT = (
    "we adopted a {species} {when}!! {pet} is {their_pet} name",
    "meet {pet}, our new {species}. came home {when}",
    "{when} we brought home a little {species}. calling {them_pet} {pet}",
    "so uh. I got a {species} {when}. {pet}. no regrets",
)
PET_QA = (
    (
        "who's the furry thing in your profile pic??",
        "that's {pet}, our {species}! shelter rescue, {when}",
    ),
    ("wait do you have a pet now?", "yes!! a {species} called {pet}, got {them_pet} {when}"),
)
PET_DETAIL = (
    ("pics or it didn't happen", "[sends photo] look at that face"),
    ("is it house trained yet lol", "getting there... mostly"),
)
PET_Q = (
    "What is the name of {owner}'s animal?",
    "What kind of animal did {owner} take in, and what is it called?",
    "What is {owner}'s pet called?",
    "What pet did {owner} adopt?",
    "What is the name of the {species} {owner} got?",
    "What did {owner} name the new {species}?",
)
PET_T = (
    "When did {pet} join {owner}'s household?",
    "When did {owner} get {pet}?",
)

HOBBY_DIRECT = (
    "ive gotten really into {hobby} lately, started {when}",
    "signed up for a {hobby} class {when}, obsessed already",
    "new hobby alert: {hobby}. first session was {when}",
    "tried {hobby} for the first time {when} and now I cant stop",
)
HOBBY_QA = (
    ("what have you been up to on weekends?", "{hobby} mostly! started {when} and im hooked"),
    ("you seem busy lately, whats keeping you?", "honestly {hobby}. took it up {when}"),
)
HOBBY_DETAIL = (
    ("isn't that super hard?", "I'm terrible at it which is half the fun"),
    ("where do you even do that", "theres a club near the station, super friendly people"),
)
HOBBY_Q = (
    "What pastime did {owner} recently pick up?",
    "What new activity has {owner} been spending free time on?",
    "What hobby is {owner} into lately?",
    "What did {owner} start doing on weekends?",
    "What new hobby has {owner} gotten really into?",
    "What class did {owner} sign up for?",
)
HOBBY_T = ("When did {owner} take up {hobby}?", "Since when has {owner} been doing {hobby}?")

SIB_INTRO = (
    "my {rel} {sib} is visiting this weekend so I'll be offline-ish",
    "{sib} (my little {rel}) says hi lol",
    "ugh my {rel} {sib} borrowed my car again",
    "having dinner with {sib} tonight, my {rel}, you'd like {sib_them}",
)
SIB_FACT = (
    "{sib} just got a job at {org}!! so proud",
    "oh and {sib} starts at {org} next week, finally",
    "{sib} landed a position at {org}, {sib_they}'s over the moon",
)
SIB_QA = (
    ("how's {sib} doing?", "good! {sib_they} started at {org} {when}, loves it"),
    ("did {sib} ever find work?", "yes, {org} hired {sib_them} {when}"),
)
SIB_Q_SINGLE = (
    "Where does {sib} work?",
    "Which company employs {sib}?",
    "Where did {sib} get a job?",
)
SIB_Q_MULTI = (
    "Which company does {owner}'s {rel} work for?",
    "Where is {owner}'s {rel} employed?",
)

PARTNER_INTRO = (
    "ok so ive been seeing someone... {partner_their} name's {partner}",
    "{partner} and I have been dating for a few weeks now 🙈",
    "met someone at a friend's bbq. {partner}. we've had three dates lol",
)
PARTNER_FACT = (
    "{partner} is a {role}, works crazy hours",
    "{partner} does {role} work, always on call",
)
PARTNER_QA = (
    ("what does {partner} do?", "{partner_they}'s a {role}, mostly night shifts"),
    ("so what's {partner}'s job?", "{role}! very patient person, which helps with me lol"),
)
PARTNER_Q_SINGLE = (
    "What does {partner} do for a living?",
    "What is {partner}'s occupation?",
)
PARTNER_Q_MULTI = (
    "What is the profession of the person {owner} is dating?",
    "What line of work is {owner}'s partner in?",
)

TRIP_DIRECT = (
    "just got back from {city}!! flew out {when}",
    "spent a long weekend in {city} {when}, ate so much",
    "{when} I was in {city} for a few days, still dreaming about it",
)
TRIP_QA = (
    ("where were you? you went quiet for days", "{city}! went {when}, no signal half the time"),
    ("how was the holiday? where'd you go again?", "{city}, {when}. 10/10 would go again"),
)
TRIP_Q = (
    "Which place did {owner} go to on holiday?",
    "Where did {owner} travel for a short break?",
    "Which city did {owner} visit on a trip?",
    "Where did {owner} spend a long weekend?",
    "Which city did {owner} fly out to?",
)
TRIP_T = ("When was {owner}'s getaway to {city}?", "When did {owner} go to {city}?")

# events: (key, direct forms, qa pairs, single question, temporal question)
EVENTS: tuple[tuple[Any, ...], ...] = (
    (
        "half_marathon",
        (
            "ran my first half marathon {when}!! legs are dead",
            "finished the half {when}, 2:05, not bad for a first one",
        ),
        (("how did the race go??", "I finished!! the half marathon {when}, slow but done"),),
        ("What running race did {owner} complete?", "What race did {owner} finish?"),
        "When did {owner} do that 21k run?",
    ),
    (
        "driving_test",
        (
            "passed my driving test {when} 🚗",
            "I can legally drive now! test was {when}",
        ),
        (("did you pass?? the test", "PASSED. driving test done {when}, first try"),),
        ("What exam did {owner} pass?", "Which test did {owner} pass?"),
        "When did {owner} get a driver's licence?",
    ),
    (
        "wrist",
        (
            "broke my wrist {when}, dont ask. cast for six weeks",
            "so I slipped on ice {when} and broke my wrist lol",
        ),
        (("what happened to your arm??", "broke my wrist {when} lol, fell off my bike"),),
        ("Which bone did {owner} break?", "What did {owner} break?"),
        "When did {owner} get hurt?",
    ),
    (
        "graduation",
        (
            "I officially have my masters degree!! graduation was {when}",
            "walked across the stage {when}, masters done finally",
        ),
        (("so are you a master now lol", "yep, graduated {when}!! masters done"),),
        ("What degree did {owner} finish?", "What degree does {owner} have now?"),
        "When did {owner} graduate?",
    ),
)

# friend news (the friend speaks): key, forms, question, temporal question
FRIEND_NEWS: tuple[tuple[Any, ...], ...] = (
    (
        "engaged",
        (
            "ok I have news. {fpartner} proposed {when}!!!",
            "im ENGAGED. {fpartner} asked {when} on the beach 😭",
        ),
        ("Who proposed to {friend}?", "Who is {friend} engaged to?"),
        "When did {friend} get engaged?",
    ),
    (
        "friend_move",
        (
            "btw im moving to {city} next month, got a transfer",
            "so... {city}. the company is relocating me there in a few weeks",
        ),
        ("Which city is {friend} relocating to?", "Where is {friend} moving?"),
        None,
    ),
    (
        "friend_car",
        (
            "bought a car {when}!! a little red {car}",
            "finally got my own wheels {when}, a secondhand {car}",
        ),
        ("What vehicle did {friend} buy?", "What car did {friend} get?"),
        "When did {friend} get the car?",
    ),
)
CARS = ("Fiat 500", "Mini Cooper", "Toyota Yaris", "VW Golf", "Renault Clio", "Honda Jazz")

# -- inferential traits: (key, owner statements, (question, answer) pairs) -------------------

TRAITS: tuple[tuple[Any, ...], ...] = (
    (
        "vegetarian",
        (
            "no meat for me, been veggie for years",
            "I'll just get the halloumi, I dont eat meat remember",
            "the only thing I could eat there was fries lol, vegetarian life",
        ),
        (("Would a steakhouse be a good pick for {owner}'s birthday dinner?", "no, vegetarian"),),
    ),
    (
        "cat_allergy",
        (
            "cant go to Jo's place, she has cats and my eyes swell up",
            "my allergy to cats is so bad, sneezed for two days after that party",
        ),
        (("Could {owner} pet-sit a neighbour's Persian for a week?", "no, allergic to cats"),),
    ),
    (
        "early_riser",
        (
            "up at 5:30 every day for my run, even weekends",
            "I'm always awake before sunrise, it's the best part of the day",
        ),
        (("Is {owner} likely to be awake at dawn?", "yes, early riser"),),
    ),
    (
        "fear_of_flying",
        (
            "took the train all the way because I refuse to get on a plane lol",
            "planes terrify me, I'd rather do 14 hours by bus",
        ),
        (("Would {owner} be comfortable on a long-haul flight?", "no, afraid of flying"),),
    ),
    (
        "introvert",
        (
            "big parties drain me, I'd rather stay in with a book",
            "crowds are exhausting, give me a quiet night in any day",
        ),
        (("Would {owner} enjoy a packed nightclub for a birthday celebration?", "probably not"),),
    ),
    (
        "language",
        (
            "my {lang} lessons are going ok, duolingo streak 200 days",
            "practising {lang} with my tutor every tuesday now",
        ),
        (("Which language could {owner} practise on a holiday in {country}?", "{lang}"),),
    ),
)
LANGUAGE_COUNTRY = {
    "Portuguese": "Brazil",
    "Japanese": "Japan",
    "Swahili": "Kenya",
    "Finnish": "Finland",
    "Korean": "South Korea",
    "Italian": "Italy",
    "Polish": "Poland",
    "Arabic": "Morocco",
}
HOBBY_GIFT = {
    "chess": "a carved wooden board with weighted pieces",
    "rock climbing": "a chalk bag and a harness",
    "pottery": "a set of glazes and a kiln session",
    "salsa dancing": "tickets to a Latin dance night",
    "birdwatching": "a pair of binoculars and a field guide",
    "sourdough baking": "a proofing basket and a bread lame",
    "trail running": "grippy off-road shoes",
    "photography": "a new camera lens",
    "knitting": "a bundle of merino yarn",
    "sailing": "a day on a chartered boat",
    "yoga": "a thick non-slip mat",
    "gardening": "a set of pruning shears and seedlings",
    "kayaking": "a waterproof dry bag and a paddle",
    "watercolor painting": "a travel paint palette and brushes",
    "tennis": "a new racket",
    "cycling": "padded shorts and a bike light",
    "open-water swimming": "a wetsuit and goggles",
    "board games": "a strategy game box for game night",
    "fencing": "a protective mask",
    "surfing": "a wax kit and a board leash",
    "calligraphy": "a set of nibs and ink",
    "woodworking": "a set of chisels",
    "jazz piano": "a book of standards sheet music",
    "bouldering": "a chalk bag and climbing shoes",
    "astronomy": "a small telescope",
    "beekeeping": "a veil and a smoker",
    "fly fishing": "a box of hand-tied flies",
    "archery": "a quiver of arrows",
    "origami": "a pack of patterned folding paper",
    "improv theatre": "tickets to a comedy workshop",
}
HOBBY_GIFT_Q = ("Would {owner} appreciate {gift} as a present?",)

# -- small talk and filler -------------------------------------------------------------------

GREETINGS = (
    "hey {other}!",
    "heyyy",
    "Hi {other}, long time!",
    "hello hello",
    "yo",
    "hey you",
    "hiii {other}",
    "morning!",
    "hey! you around?",
)
GREETING_REPLIES = (
    "hiii",
    "hey hey",
    "heyy whats up",
    "oh hi!! yes",
    "hey {other} 👋",
    "here! whats new",
)
CLOSINGS = (
    "gotta run, see ya!",
    "See ya, {other}!",
    "Stay safe!",
    "ttyl 👋",
    "night!",
    "talk soon x",
    "ok bye for now lol",
    "catch you later",
    "going to bed, speak tmrw",
)
CLOSING_REPLIES = ("bye!!", "See ya!", "take care", "night night", "later!", "xx", "Stay safe!")
REACTIONS_GOOD = (
    "omg congrats!!",
    "no way, that's huge",
    "so happy for you!!",
    "wait really?? amazing",
    "yesss",
    "aww love that",
    "that's awesome",
    "wow!!",
    "nice nice nice",
)
REACTIONS_BAD = ("ouch!! are you ok?", "ugh sorry", "oh no", "that sucks, hope it heals fast")
BACKCHANNEL = ("lol", "haha", "😂", "omg", "same", "true", "ikr", "hahaha", "lmao", "yeah", "ok")

# small talk exchanges: (opener, reply[, follow-up])
SMALL_TALK: tuple[tuple[str, ...], ...] = (
    ("it's been raining nonstop here", "same, I forgot what the sun looks like"),
    ("have you watched {show} yet?", "not yet, no spoilers!!", "my lips are sealed"),
    ("made pasta from scratch tonight", "look at you, fancy", "it was mostly a mess tbh"),
    ("work is insane this week", "ugh, hang in there", "trying lol"),
    ("any plans for the weekend?", "nothing, and I love it", "honestly goals"),
    ("need coffee so badly right now", "it's 4pm lol", "and?"),
    ("I slept like 4 hours", "why do you do this to yourself", "no idea"),
    ("this song has been stuck in my head all day", "which one", "not telling, you'll judge"),
    ("my neighbour is drilling again", "at this hour??", "every. single. day."),
    ("ordered way too much takeout", "no such thing", "my wallet disagrees"),
    ("the new season of {show} is out", "finally!! watching tonight"),
    ("I think im getting a cold", "drink tea and sleep", "yes mom"),
    ("did you see that meme I sent", "lol yes, I cried", "it's so us"),
    ("it's so hot today", "don't even, my fan broke"),
    ("how was your week?", "long. yours?", "same honestly"),
    ("reading anything good?", "a thriller, can't put it down", "send me the title"),
    ("I should really go to the gym", "you say that every week lol", "and I mean it every week"),
    ("what did you have for lunch", "leftovers, as always"),
)
SHOWS = (
    "Severance",
    "The Bear",
    "Succession",
    "Slow Horses",
    "Bluey",
    "Shrinking",
    "Abbott Elementary",
    "Only Murders",
)

# friend-side chatter with slots: hard negatives that use the same kinds of words as the facts
# (cities, companies, animals, hobbies, dates) but say nothing about the owner.
CHATTER: tuple[tuple[str, ...], ...] = (
    ("my boss at {org} is driving me nuts this week", "what now", "another 'quick sync' at 6pm"),
    ("we might go to {city} in the summer, any tips?", "eat everything. walk everywhere"),
    ("my cousin just adopted a {species}", "cute!! name?", "no idea yet, they can't agree"),
    ("thinking about trying {hobby}", "do it, you'd love it", "maybe. it looks hard"),
    ("{name} came over {day} and saw the state of my flat lol", "the eternal struggle"),
    ("went to that new {food} place by the station", "any good?", "the portions are tiny but wow"),
    ("finished {book} finally", "and??", "the ending made me so angry"),
    ("my flight to {city} got delayed 3 hours", "nooo", "airport pizza it is"),
    ("{name} says {org} is hiring btw", "ooh for what", "no clue, ask {name_them}"),
    ("saw a {species} on the tram today lol", "only in this city"),
    ("my neighbour's {species} keeps sitting on my balcony", "free pet", "it judges me"),
    ("thinking of repainting the {room} {color}", "bold", "too bold?"),
    ("{name} and I went {activity} {day}", "how was it", "my legs hate me"),
    ("my brother-in-law works at {org}, says it's chaos", "chaos how", "like six reorgs a year"),
    ("heard it might snow in {city} this week", "in THIS economy?"),
    ("my mum wants to visit {city} for her birthday", "that's sweet", "she wants ME to plan it"),
    ("the {food} I made {day} was a disaster", "what happened", "smoke alarm happened"),
    ("did you ever finish {show}", "two episodes left", "no spoilers from me"),
    ("my phone screen cracked {day}", "again??", "again."),
    ("{name} got a {species} and now only talks about it", "lol that'll be you one day"),
    ("the bus strike is still on", "ugh how are you getting to work", "walking. 40 min. send help"),
    ("booked a dentist appointment finally", "proud of you", "I'm scared"),
    ("the {hobby} club near me closed down", "noo", "rent went up apparently"),
    ("got a parking ticket {day}", "how much", "don't ask"),
    ("my plants are all dying", "overwatering?", "probably neglect tbh"),
    ("{name} sent me a voice note that was 9 minutes long", "lmao", "I listened to all of it"),
)
FOODS = ("ramen", "tapas", "dumpling", "falafel", "pho", "pizza", "curry", "sushi", "taco")
BOOKS = ("that Murakami one", "the new Sally Rooney", "Project Hail Mary", "Piranesi", "Dune")
ROOMS = ("kitchen", "hallway", "bedroom", "bathroom")
COLORS = ("sage green", "terracotta", "navy", "mustard yellow", "lilac")
DAYS = ("yesterday", "on Sunday", "last night", "this morning", "on Friday")
ACTIVITIES = ("hiking", "swimming", "to a pub quiz", "bowling", "to the market", "for a long walk")

# second sentences people tack onto a message (longer, wordier turns, as in real chat logs)
ELABORATIONS = {
    "move": (
        "the landlord is a bit weird but the kitchen is huge and theres a park two streets away",
        "took three trips with a rented van and my back is still complaining about it",
        "honestly the hardest part was saying goodbye to the old neighbours",
    ),
    "job": (
        "the interview process was five rounds which is insane but whatever, it's done",
        "my manager seems chill and the team does friday lunches together",
        "salary is better and I finally get a proper desk chair",
    ),
    "pet": (
        "the shelter said the previous owners moved abroad and couldn't take the poor thing",
        "it already destroyed one sock and I'm weirdly proud",
        "I've been reading training guides every night like it's an exam",
    ),
    "hobby": (
        "the group meets twice a week and everyone is way better than me",
        "bought all the gear already, which is probably a red flag",
        "it's the first thing in months that gets my head off work",
    ),
    "trip": (
        "the weather was perfect and we walked like 20k steps a day",
        "the hotel was tiny but the breakfast made up for it",
        "I already want to go back, the food was unreal",
    ),
    "event": (
        "still a bit in shock honestly, it's been a long road",
        "my mum called me three times about it lol",
        "gonna take it easy this week and just rest",
    ),
    "sib_job": (
        "it's been a rough year for them so this is really good news",
        "the whole family group chat exploded with emojis",
    ),
    "news": (
        "I've been sitting on this for days, couldn't wait to tell you",
        "my parents don't even know yet so shhh",
    ),
    "trait": (
        "people always find it weird but it works for me",
        "been like this forever, not changing now lol",
    ),
}
CHATTER_TAILS = (
    "anyway how's your week going",
    "long story, I'll tell you properly when we meet",
    "not that it matters but it's been on my mind all day",
    "and of course it started raining right after",
    "I need a holiday from my holiday at this point",
)
