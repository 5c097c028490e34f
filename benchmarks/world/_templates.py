"""Phrasings: how the user states each kind of fact, and the sentence the extraction records.

``TEMPLATES[(predicate, mode, perspective)]`` holds at least three phrasings. ``perspective`` is
``"3"`` (the user talks about others), ``"S1"`` (the user is the subject: "I moved to Oslo") or
``"O1"`` (the user is the object: "Alice reports to me"). Modes:

- ``state``: true now, no date; ``since``: true now, start given; ``repeat``: a later retelling
- ``start``: it began (``{when}``); ``start_from``: it began and ``{old}`` ended
- ``end``: it ended (``{when}``); ``span``: past, both bounds; ``until``: past, end only
- ``before``: prehistory told late, with the value that followed (``{next}`` from ``{to}``)
- ``job``/``cascade``/``end_job``/``end_cascade``: a manager change caused by a job change

Placeholders: ``{S}``/``{O}`` names (or a pronoun for a subject just mentioned), ``{Sp}``/``{Op}``
possessives, ``{he}``/``{him}``/``{his}`` the subject's pronouns, ``{rel}`` the object's role
for the subject ("sister"), ``{srel}`` the subject's role for the object ("mother"),
``{when}``/``{When}``/``{since}``/``{from}``/``{to}``/``{years}``, ``{old}``, ``{next}``,
``{cause}``, ``{species}``. ``FACTS`` are the self-contained extraction sentences (full names).
"""

from __future__ import annotations

__all__ = [
    "ACKS",
    "FACTS",
    "LEAD_INS",
    "NICKNAME_NOTES",
    "NOISE",
    "SELF_INTROS",
    "TEMPLATES",
    "TRAIT_FACTS",
    "TRAITS",
]

T = tuple[str, ...]

TEMPLATES: dict[tuple[str, str, str], T] = {
    # ---------------------------------------------------------------- LIVES_IN
    ("LIVES_IN", "state", "3"): (
        "{S} lives in {O}.",
        "{S} is based in {O}.",
        "{S} has a flat in {O}.",
        "{S} calls {O} home.",
    ),
    ("LIVES_IN", "state", "S1"): ("I live in {O}.", "I'm based in {O}.", "Home for me is {O}."),
    ("LIVES_IN", "since", "3"): (
        "{S} has been living in {O} since {since}.",
        "{S} has lived in {O} since {since}.",
        "{S} has called {O} home since {since}.",
    ),
    ("LIVES_IN", "since", "S1"): (
        "I've been living in {O} since {since}.",
        "I've lived in {O} since {since}.",
        "{O} has been home for me since {since}.",
    ),
    ("LIVES_IN", "start", "3"): (
        "{S} moved to {O} {when}.",
        "{S} relocated to {O} {when}.",
        "{When}, {S} packed up and moved to {O}.",
        "{S} has a new place in {O}; {he} moved there {when}.",
    ),
    ("LIVES_IN", "start", "S1"): (
        "I moved to {O} {when}.",
        "I relocated to {O} {when}.",
        "{When}, I packed up and moved to {O}.",
    ),
    ("LIVES_IN", "start_from", "3"): (
        "{S} moved from {old} to {O} {when}.",
        "{S} left {old} for {O} {when}.",
        "{When}, {S} swapped {old} for {O}.",
    ),
    ("LIVES_IN", "start_from", "S1"): (
        "I moved from {old} to {O} {when}.",
        "I left {old} for {O} {when}.",
        "{When}, I swapped {old} for {O}.",
    ),
    ("LIVES_IN", "span", "3"): (
        "{S} lived in {O} from {from} to {to}.",
        "Between {from} and {to}, {S} lived in {O}.",
        "Back in {from}, {S} moved to {O}, and {he} stayed there until {to}.",
    ),
    ("LIVES_IN", "span", "S1"): (
        "I lived in {O} from {from} to {to}.",
        "Between {from} and {to}, I lived in {O}.",
        "Back in {from}, I moved to {O}, and I stayed there until {to}.",
    ),
    ("LIVES_IN", "until", "3"): (
        "{S} used to live in {O}, until {to}.",
        "{S} lived in {O} up until {to}.",
        "Until {to}, {S} was living in {O}.",
    ),
    ("LIVES_IN", "until", "S1"): (
        "I used to live in {O}, until {to}.",
        "I lived in {O} up until {to}.",
        "Until {to}, I was living in {O}.",
    ),
    ("LIVES_IN", "repeat", "3"): (
        "{S} is still living in {O}.",
        "{S} still lives in {O}, by the way.",
        "{S} is really happy in {O}.",
        "{S} hasn't left {O}.",
    ),
    ("LIVES_IN", "repeat", "S1"): (
        "I'm still in {O}.",
        "I still live in {O}.",
        "I'm really happy living in {O}.",
    ),
    ("LIVES_IN", "before", "3"): (
        "Before moving to {next} in {to}, {S} lived in {O} for {years}.",
        "Did I ever mention that {S} lived in {O} from {from} until {to}, when {he} moved to "
        "{next}?",
        "{S} spent {years} in {O} before moving to {next} in {to}.",
    ),
    ("LIVES_IN", "before", "S1"): (
        "Before moving to {next} in {to}, I lived in {O} for {years}.",
        "Did I ever mention that I lived in {O} from {from} until {to}, when I moved to {next}?",
        "I spent {years} in {O} before moving to {next} in {to}.",
    ),
    # ---------------------------------------------------------------- WORKS_AT
    ("WORKS_AT", "state", "3"): (
        "{S} works at {O}.",
        "{S} has a job at {O}.",
        "{S} is employed at {O}.",
        "{S} works for {O}.",
    ),
    ("WORKS_AT", "state", "S1"): ("I work at {O}.", "I have a job at {O}.", "I'm employed at {O}."),
    ("WORKS_AT", "since", "3"): (
        "{S} has worked at {O} since {since}.",
        "{S} has been at {O} since {since}.",
        "{S} has been working for {O} since {since}.",
    ),
    ("WORKS_AT", "since", "S1"): (
        "I've worked at {O} since {since}.",
        "I've been at {O} since {since}.",
        "I've been working for {O} since {since}.",
    ),
    ("WORKS_AT", "start", "3"): (
        "{S} started a new job at {O} {when}.",
        "{S} joined {O} {when}.",
        "{S} got hired by {O} {when}.",
        "{When}, {S} began working at {O}.",
    ),
    ("WORKS_AT", "start", "S1"): (
        "I started a new job at {O} {when}.",
        "I joined {O} {when}.",
        "{When}, I began working at {O}.",
    ),
    ("WORKS_AT", "start_from", "3"): (
        "{S} left {old} and joined {O} {when}.",
        "{S} quit {old} {when} and now works at {O}.",
        "{When}, {S} moved from {old} to {O}.",
    ),
    ("WORKS_AT", "start_from", "S1"): (
        "I left {old} and joined {O} {when}.",
        "I quit {old} {when} and now I work at {O}.",
        "{When}, I moved from {old} to {O}.",
    ),
    ("WORKS_AT", "span", "3"): (
        "{S} worked at {O} from {from} to {to}.",
        "Between {from} and {to}, {S} was at {O}.",
        "{S} had a job at {O} from {from} until {to}.",
    ),
    ("WORKS_AT", "span", "S1"): (
        "I worked at {O} from {from} to {to}.",
        "Between {from} and {to}, I was at {O}.",
        "I had a job at {O} from {from} until {to}.",
    ),
    ("WORKS_AT", "until", "3"): (
        "{S} worked at {O} until {to}.",
        "{S} was at {O} up until {to}.",
        "Until {to}, {S} worked for {O}.",
    ),
    ("WORKS_AT", "until", "S1"): (
        "I worked at {O} until {to}.",
        "I was at {O} up until {to}.",
        "Until {to}, I worked for {O}.",
    ),
    ("WORKS_AT", "repeat", "3"): (
        "{S} is still at {O}.",
        "{S} still works at {O}.",
        "{S} is doing well at {O}.",
    ),
    ("WORKS_AT", "repeat", "S1"): (
        "I'm still at {O}.",
        "I still work at {O}.",
        "Things are going well for me at {O}.",
    ),
    ("WORKS_AT", "before", "3"): (
        "Before joining {next} in {to}, {S} worked at {O} for {years}.",
        "{S} spent {years} at {O} before joining {next} in {to}.",
        "Did I mention {S} worked at {O} from {from} until {to}, when {he} joined {next}?",
    ),
    ("WORKS_AT", "before", "S1"): (
        "Before joining {next} in {to}, I worked at {O} for {years}.",
        "I spent {years} at {O} before joining {next} in {to}.",
        "Did I mention I worked at {O} from {from} until {to}, when I joined {next}?",
    ),
    # ---------------------------------------------------------------- MANAGED_BY
    ("MANAGED_BY", "state", "3"): (
        "{Sp} manager is {O}.",
        "{S} reports to {O}.",
        "{O} is {Sp} boss.",
        "{S} works under {O}.",
    ),
    ("MANAGED_BY", "state", "S1"): ("My manager is {O}.", "I report to {O}.", "{O} is my boss."),
    ("MANAGED_BY", "state", "O1"): (
        "{S} reports to me.",
        "I'm {Sp} manager.",
        "{S} is on my team; I manage {him}.",
    ),
    ("MANAGED_BY", "since", "3"): (
        "{S} has reported to {O} since {since}.",
        "{O} has been {Sp} manager since {since}.",
        "{S} has been working under {O} since {since}.",
    ),
    ("MANAGED_BY", "since", "S1"): (
        "I've reported to {O} since {since}.",
        "{O} has been my manager since {since}.",
        "I've been working under {O} since {since}.",
    ),
    ("MANAGED_BY", "since", "O1"): (
        "{S} has reported to me since {since}.",
        "I've been {Sp} manager since {since}.",
        "{S} has been on my team since {since}.",
    ),
    ("MANAGED_BY", "start", "3"): (
        "{S} got a new manager {when}: {O}.",
        "{O} became {Sp} boss {when}.",
        "{When}, {S} started reporting to {O}.",
    ),
    ("MANAGED_BY", "start", "S1"): (
        "I got a new manager {when}: {O}.",
        "{O} became my boss {when}.",
        "{When}, I started reporting to {O}.",
    ),
    ("MANAGED_BY", "start", "O1"): (
        "{S} joined my team {when}; I'm {his} manager now.",
        "{When}, {S} started reporting to me.",
        "I became {Sp} manager {when}.",
    ),
    ("MANAGED_BY", "job", "3"): (
        "{S} reports to {O} there.",
        "{Sp} new manager there is {O}.",
        "At the new place {S} works under {O}.",
    ),
    ("MANAGED_BY", "job", "S1"): (
        "I report to {O} there.",
        "My new manager there is {O}.",
        "At the new place I work under {O}.",
    ),
    ("MANAGED_BY", "job", "O1"): (
        "{S} is on my team now.",
        "{S} reports to me now.",
        "I'm {Sp} manager now.",
    ),
    ("MANAGED_BY", "cascade", "3"): (
        "Since {cause} left, {S} reports to {O}.",
        "After {cause} left, {Sp} new boss is {O}.",
        "{O} took over as {Sp} manager after {cause} left.",
    ),
    ("MANAGED_BY", "cascade", "S1"): (
        "Since {cause} left, I report to {O}.",
        "After {cause} left, my new boss is {O}.",
        "{O} took over as my manager after {cause} left.",
    ),
    ("MANAGED_BY", "cascade", "O1"): (
        "Since {cause} left, {S} reports to me.",
        "After {cause} left, I became {Sp} manager.",
        "I took over as {Sp} manager after {cause} left.",
    ),
    ("MANAGED_BY", "end_job", "3"): (
        "{S} no longer reports to {O}; nobody manages {him} at the new place.",
        "{S} doesn't have a boss anymore; {O} stayed behind at the old job.",
        "{S} doesn't report to {O} anymore; {he} runs {his} own little team now.",
    ),
    ("MANAGED_BY", "end_job", "S1"): (
        "I no longer report to {O}; nobody manages me at the new place.",
        "I don't have a boss anymore; {O} stayed behind at the old job.",
        "No more reporting to {O} for me; I run my own little team now.",
    ),
    ("MANAGED_BY", "end_job", "O1"): (
        "{S} no longer reports to me; nobody manages {him} at the new place.",
        "I'm not {Sp} manager anymore, and {he} has no boss at the new place.",
        "{S} doesn't report to me anymore; {he} runs {his} own little team now.",
    ),
    ("MANAGED_BY", "end_cascade", "3"): (
        "Since {O} left, {S} doesn't have a manager.",
        "{S} has had no boss since {O} left.",
        "With {O} gone, {S} has nobody to report to.",
    ),
    ("MANAGED_BY", "end_cascade", "S1"): (
        "Since {O} left, I don't have a manager.",
        "I've had no boss since {O} left.",
        "With {O} gone, nobody manages me anymore.",
    ),
    ("MANAGED_BY", "end_cascade", "O1"): (
        "Since I left, {S} doesn't have a manager.",
        "{S} has had no boss since I left.",
        "With me gone, {S} has nobody to report to.",
    ),
    ("MANAGED_BY", "span", "3"): (
        "{O} was {Sp} manager from {from} to {to}.",
        "{S} reported to {O} between {from} and {to}.",
        "From {from} until {to}, {S} worked under {O}.",
    ),
    ("MANAGED_BY", "span", "S1"): (
        "{O} was my manager from {from} to {to}.",
        "I reported to {O} between {from} and {to}.",
        "From {from} until {to}, I worked under {O}.",
    ),
    ("MANAGED_BY", "span", "O1"): (
        "I was {Sp} manager from {from} to {to}.",
        "{S} reported to me between {from} and {to}.",
        "From {from} until {to}, {S} was on my team.",
    ),
    ("MANAGED_BY", "until", "3"): (
        "{O} was {Sp} manager until {to}.",
        "{S} reported to {O} until {to}.",
        "Until {to}, {Sp} boss was {O}.",
    ),
    ("MANAGED_BY", "until", "S1"): (
        "{O} was my manager until {to}.",
        "I reported to {O} until {to}.",
        "Until {to}, my boss was {O}.",
    ),
    ("MANAGED_BY", "until", "O1"): (
        "I was {Sp} manager until {to}.",
        "{S} reported to me until {to}.",
        "Until {to}, {S} was on my team.",
    ),
    ("MANAGED_BY", "repeat", "3"): (
        "{S} still reports to {O}.",
        "{O} is still {Sp} manager.",
        "{S} gets on well with {his} boss, {O}.",
    ),
    ("MANAGED_BY", "repeat", "S1"): (
        "I still report to {O}.",
        "{O} is still my manager.",
        "I get on well with my boss, {O}.",
    ),
    ("MANAGED_BY", "repeat", "O1"): (
        "{S} still reports to me.",
        "I'm still {Sp} manager.",
        "{S} is still on my team.",
    ),
    # ---------------------------------------------------------------- PARTNER_OF
    ("PARTNER_OF", "state", "3"): (
        "{S} is with {O}.",
        "{Sp} {rel} is {O}.",
        "{S} and {O} are a couple.",
        "{S} and {O} have been together for years.",
    ),
    ("PARTNER_OF", "state", "S1"): ("My {rel} is {O}.", "I'm with {O}.", "{O} and I are together."),
    ("PARTNER_OF", "since", "3"): (
        "{S} has been with {O} since {since}.",
        "{S} and {O} have been together since {since}.",
        "{S} has been dating {O} since {since}.",
    ),
    ("PARTNER_OF", "since", "S1"): (
        "I've been with {O} since {since}.",
        "{O} and I have been together since {since}.",
        "I've been dating {O} since {since}.",
    ),
    ("PARTNER_OF", "start", "3"): (
        "{S} started dating {O} {when}.",
        "{S} and {O} got together {when}.",
        "{S} has a new {rel}, {O}; they got together {when}.",
    ),
    ("PARTNER_OF", "start", "S1"): (
        "I started dating {O} {when}.",
        "{O} and I got together {when}.",
        "I have a new {rel}, {O}; we got together {when}.",
    ),
    ("PARTNER_OF", "end", "3"): (
        "{S} and {O} broke up {when}.",
        "{S} split up with {O} {when}.",
        "{When}, {S} and {O} called it quits.",
    ),
    ("PARTNER_OF", "end", "S1"): (
        "{O} and I broke up {when}.",
        "I split up with {O} {when}.",
        "{When}, {O} and I called it quits.",
    ),
    ("PARTNER_OF", "span", "3"): (
        "{S} and {O} were together from {from} to {to}.",
        "{S} dated {O} between {from} and {to}.",
        "From {from} until {to}, {S} was with {O}.",
    ),
    ("PARTNER_OF", "span", "S1"): (
        "{O} and I were together from {from} to {to}.",
        "I dated {O} between {from} and {to}.",
        "From {from} until {to}, I was with {O}.",
    ),
    ("PARTNER_OF", "until", "3"): (
        "{S} was with {O} until {to}.",
        "{S} and {O} were a couple up until {to}.",
        "Until {to}, {S} was dating {O}.",
    ),
    ("PARTNER_OF", "until", "S1"): (
        "I was with {O} until {to}.",
        "{O} and I were a couple up until {to}.",
        "Until {to}, I was dating {O}.",
    ),
    ("PARTNER_OF", "repeat", "3"): (
        "{S} and {O} are still together.",
        "{S} is still with {O}.",
        "{S} and {O} seem really happy together.",
    ),
    ("PARTNER_OF", "repeat", "S1"): (
        "{O} and I are still together.",
        "I'm still with {O}.",
        "Things with {O} are going great.",
    ),
    # ---------------------------------------------------------------- family and friends
    ("SIBLING_OF", "state", "3"): (
        "{Sp} {rel} is {O}.",
        "{S} has a {rel}, {O}.",
        "{S} and {O} are siblings.",
    ),
    ("SIBLING_OF", "state", "S1"): ("My {rel} is {O}.", "I have a {rel}, {O}.", "{O} is my {rel}."),
    ("PARENT_OF", "state", "3"): (
        "{S} is {Op} {srel}.",
        "{Op} {srel} is {S}.",
        "{S} has a {rel}, {O}.",
    ),
    ("PARENT_OF", "state", "S1"): ("I have a {rel}, {O}.", "{O} is my {rel}.", "My {rel} is {O}."),
    ("PARENT_OF", "state", "O1"): ("My {srel} is {S}.", "{S} is my {srel}.", "I'm {Sp} {rel}."),
    ("FRIEND_OF", "state", "S1"): (
        "I have a friend called {O}.",
        "One of my closest friends is {O}.",
        "{O} is a good friend of mine.",
    ),
    ("FRIEND_OF", "repeat", "S1"): (
        "{O} and I are still close.",
        "I caught up with my friend {O} this week.",
        "My friend {O} says hi, by the way.",
    ),
    # ---------------------------------------------------------------- HAS_PET
    ("HAS_PET", "state", "3"): (
        "{S} has a {species} named {O}.",
        "{Sp} {species} is called {O}.",
        "{S} owns a {species}, {O}.",
    ),
    ("HAS_PET", "state", "S1"): (
        "I have a {species} named {O}.",
        "My {species} is called {O}.",
        "I own a {species}, {O}.",
    ),
    ("HAS_PET", "since", "3"): (
        "{S} has had {O}, {his} {species}, since {since}.",
        "{Sp} {species} {O} has been with {him} since {since}.",
        "{S} has owned a {species} called {O} since {since}.",
    ),
    ("HAS_PET", "since", "S1"): (
        "I've had {O}, my {species}, since {since}.",
        "My {species} {O} has been with me since {since}.",
        "I've owned a {species} called {O} since {since}.",
    ),
    ("HAS_PET", "start", "3"): (
        "{S} adopted a {species} named {O} {when}.",
        "{S} got a {species} {when} and named it {O}.",
        "{When}, {S} brought home a {species} called {O}.",
    ),
    ("HAS_PET", "start", "S1"): (
        "I adopted a {species} named {O} {when}.",
        "I got a {species} {when} and named it {O}.",
        "{When}, I brought home a {species} called {O}.",
    ),
    ("HAS_PET", "end", "3"): (
        "{Sp} {species} {O} passed away {when}.",
        "{S} had to rehome {O}, {his} {species}, {when}.",
        "{When}, {S} lost {O}, {his} {species}.",
    ),
    ("HAS_PET", "end", "S1"): (
        "My {species} {O} passed away {when}.",
        "I had to rehome {O}, my {species}, {when}.",
        "{When}, I lost {O}, my {species}.",
    ),
    ("HAS_PET", "span", "3"): (
        "{S} had a {species} named {O} from {from} to {to}.",
        "Between {from} and {to}, {S} owned a {species}, {O}.",
        "From {from} until {to}, {S} looked after a {species} called {O}.",
    ),
    ("HAS_PET", "span", "S1"): (
        "I had a {species} named {O} from {from} to {to}.",
        "Between {from} and {to}, I owned a {species}, {O}.",
        "From {from} until {to}, I looked after a {species} called {O}.",
    ),
    ("HAS_PET", "until", "3"): (
        "{S} had a {species} named {O} until {to}.",
        "{S} used to have {O}, a {species}, until {to}.",
        "Until {to}, {S} owned a {species} called {O}.",
    ),
    ("HAS_PET", "until", "S1"): (
        "I had a {species} named {O} until {to}.",
        "I used to have {O}, a {species}, until {to}.",
        "Until {to}, I owned a {species} called {O}.",
    ),
    ("HAS_PET", "repeat", "3"): (
        "{Sp} {species} {O} is doing great.",
        "{S} still has {O}, the {species}.",
        "{O}, {Sp} {species}, keeps {him} busy.",
    ),
    ("HAS_PET", "repeat", "S1"): (
        "My {species} {O} is doing great.",
        "I still have {O}, my {species}.",
        "{O}, my {species}, keeps me busy.",
    ),
    # ---------------------------------------------------------------- ENJOYS
    ("ENJOYS", "state", "3"): (
        "{S} enjoys {O}.",
        "{S} is really into {O}.",
        "{S} loves {O}.",
        "{S} spends {his} weekends on {O}.",
    ),
    ("ENJOYS", "state", "S1"): ("I enjoy {O}.", "I'm really into {O}.", "I love {O}."),
    ("ENJOYS", "since", "3"): (
        "{S} has been into {O} since {since}.",
        "{S} has enjoyed {O} since {since}.",
        "{S} has been doing {O} since {since}.",
    ),
    ("ENJOYS", "since", "S1"): (
        "I've been into {O} since {since}.",
        "I've enjoyed {O} since {since}.",
        "I've been doing {O} since {since}.",
    ),
    ("ENJOYS", "start", "3"): (
        "{S} took up {O} {when}.",
        "{S} got into {O} {when}.",
        "{When}, {S} started doing {O}.",
    ),
    ("ENJOYS", "start", "S1"): (
        "I took up {O} {when}.",
        "I got into {O} {when}.",
        "{When}, I started doing {O}.",
    ),
    ("ENJOYS", "end", "3"): (
        "{S} gave up {O} {when}.",
        "{S} quit {O} {when}.",
        "{When}, {S} stopped doing {O}.",
    ),
    ("ENJOYS", "end", "S1"): (
        "I gave up {O} {when}.",
        "I quit {O} {when}.",
        "{When}, I stopped doing {O}.",
    ),
    ("ENJOYS", "span", "3"): (
        "{S} did {O} from {from} to {to}.",
        "Between {from} and {to}, {S} was into {O}.",
        "From {from} until {to}, {S} spent {his} weekends on {O}.",
    ),
    ("ENJOYS", "span", "S1"): (
        "I did {O} from {from} to {to}.",
        "Between {from} and {to}, I was into {O}.",
        "From {from} until {to}, I spent my weekends on {O}.",
    ),
    ("ENJOYS", "until", "3"): (
        "{S} was into {O} until {to}.",
        "{S} used to do {O}, until {to}.",
        "Until {to}, {S} loved {O}.",
    ),
    ("ENJOYS", "until", "S1"): (
        "I was into {O} until {to}.",
        "I used to do {O}, until {to}.",
        "Until {to}, I loved {O}.",
    ),
    ("ENJOYS", "repeat", "3"): (
        "{S} is still really into {O}.",
        "{S} still loves {O}.",
        "{S} keeps at {O}, every week.",
    ),
    ("ENJOYS", "repeat", "S1"): (
        "I'm still really into {O}.",
        "I still love {O}.",
        "I keep at {O}, every week.",
    ),
}

# The extraction's fact sentence, by predicate and form; {S}/{O} are full canonical names,
# {from}/{to} are "March 2021" or "2019".
FACTS: dict[tuple[str, str], str] = {
    ("LIVES_IN", "state"): "{S} lives in {O}.",
    ("LIVES_IN", "since"): "{S} has lived in {O} since {from}.",
    ("LIVES_IN", "start"): "{S} moved to {O} in {from}.",
    ("LIVES_IN", "end"): "{S} moved away from {O} in {to}.",
    ("LIVES_IN", "span"): "{S} lived in {O} from {from} to {to}.",
    ("LIVES_IN", "until"): "{S} lived in {O} until {to}.",
    ("WORKS_AT", "state"): "{S} works at {O}.",
    ("WORKS_AT", "since"): "{S} has worked at {O} since {from}.",
    ("WORKS_AT", "start"): "{S} started working at {O} in {from}.",
    ("WORKS_AT", "end"): "{S} left {O} in {to}.",
    ("WORKS_AT", "span"): "{S} worked at {O} from {from} to {to}.",
    ("WORKS_AT", "until"): "{S} worked at {O} until {to}.",
    ("MANAGED_BY", "state"): "{O} is the manager of {S}.",
    ("MANAGED_BY", "since"): "{O} has been the manager of {S} since {from}.",
    ("MANAGED_BY", "start"): "{O} became the manager of {S} in {from}.",
    ("MANAGED_BY", "end"): "{O} stopped being the manager of {S} in {to}.",
    ("MANAGED_BY", "span"): "{O} was the manager of {S} from {from} to {to}.",
    ("MANAGED_BY", "until"): "{O} was the manager of {S} until {to}.",
    ("PARTNER_OF", "state"): "{S} and {O} are partners.",
    ("PARTNER_OF", "since"): "{S} and {O} have been partners since {from}.",
    ("PARTNER_OF", "start"): "{S} and {O} became partners in {from}.",
    ("PARTNER_OF", "end"): "{S} and {O} broke up in {to}.",
    ("PARTNER_OF", "span"): "{S} and {O} were partners from {from} to {to}.",
    ("PARTNER_OF", "until"): "{S} and {O} were partners until {to}.",
    ("SIBLING_OF", "state"): "{S} and {O} are siblings.",
    ("PARENT_OF", "state"): "{S} is the {srel} of {O}.",
    ("FRIEND_OF", "state"): "{S} and {O} are friends.",
    ("HAS_PET", "state"): "{S} has a pet named {O}.",
    ("HAS_PET", "since"): "{S} has had a pet named {O} since {from}.",
    ("HAS_PET", "start"): "{S} got a pet named {O} in {from}.",
    ("HAS_PET", "end"): "{S} stopped having a pet named {O} in {to}.",
    ("HAS_PET", "span"): "{S} had a pet named {O} from {from} to {to}.",
    ("HAS_PET", "until"): "{S} had a pet named {O} until {to}.",
    ("ENJOYS", "state"): "{S} enjoys {O}.",
    ("ENJOYS", "since"): "{S} has enjoyed {O} since {from}.",
    ("ENJOYS", "start"): "{S} took up {O} in {from}.",
    ("ENJOYS", "end"): "{S} gave up {O} in {to}.",
    ("ENJOYS", "span"): "{S} enjoyed {O} from {from} to {to}.",
    ("ENJOYS", "until"): "{S} enjoyed {O} until {to}.",
}

# Unary traits: phrasings ("3" and "S1") and the fact sentence. {v} is the value, {a} its article.
TRAITS: dict[tuple[str, str], T] = {
    ("profession", "3"): ("{S} is {a} {v}.", "{S} works as {a} {v}.", "{S} is {a} {v} by trade."),
    ("profession", "S1"): ("I'm {a} {v}.", "I work as {a} {v}.", "I'm {a} {v} by trade."),
    ("diet", "3"): (
        "{S} is {v}.",
        "{S} doesn't eat meat; {he}'s {v}.",
        "{S} has been {v} for ages.",
    ),
    ("diet", "S1"): ("I'm {v}.", "I don't eat meat; I'm {v}.", "I've been {v} for ages."),
    ("allergy", "3"): (
        "{S} is allergic to {v}.",
        "{S} can't be around {v}; {he}'s allergic.",
        "{S} has a bad allergy to {v}.",
    ),
    ("allergy", "S1"): (
        "I'm allergic to {v}.",
        "I can't be around {v}; I'm allergic.",
        "I have a bad allergy to {v}.",
    ),
    ("language", "3"): ("{S} speaks {v}.", "{S} is fluent in {v}.", "{S} grew up speaking {v}."),
    ("language", "S1"): ("I speak {v}.", "I'm fluent in {v}.", "I grew up speaking {v}."),
}
TRAIT_FACTS: dict[str, str] = {
    "profession": "{S} is {a} {v}.",
    "diet": "{S} is {v}.",
    "allergy": "{S} is allergic to {v}.",
    "language": "{S} speaks {v}.",
    "species": "{S} is a {v}.",
}

SELF_INTROS: T = ("Hi! I'm {S}.", "Hello, my name is {S}.", "Hey there, I'm {S}.")

NICKNAME_NOTES: T = (
    "{first} goes by {nick}.",
    "Everyone calls {first} {nick}.",
    "We all call {first} {nick}.",
)

LEAD_INS: T = ("Quick update.", "Guess what!", "Some news.", "Oh, one more thing.", "So.")

ACKS: dict[str, T] = {
    "neutral": (
        "Thanks, I'll remember that.",
        "Got it.",
        "Good to know!",
        "Noted.",
        "Thanks for telling me.",
    ),
    "news": (
        "That's big news!",
        "Oh, exciting!",
        "Wow, a lot is changing.",
        "Thanks for the update. How is it going so far?",
    ),
    "sad": (
        "I'm sorry to hear that.",
        "That sounds hard. I hope everyone is doing okay.",
        "Oh no, that's sad.",
    ),
    "intro": (
        "Nice to meet you! How can I help?",
        "Great to meet you. I'll keep that in mind.",
        "Hello! Tell me anything you'd like me to remember.",
    ),
}

NOISE: tuple[tuple[str, str], ...] = (
    (
        "Can you suggest something quick for dinner tonight?",
        "How about a mushroom risotto? It takes about thirty minutes.",
    ),
    (
        "What's a good way to remember to drink more water?",
        "Keep a bottle on your desk and refill it every time you finish a task.",
    ),
    (
        "Can you explain what a leap year is?",
        "It's a year with an extra day, February 29, added to keep the calendar in step "
        "with the seasons.",
    ),
    (
        "I need a name for my fantasy football team. Any ideas?",
        "How about 'The Offside Trap' or 'Pass Masters'?",
    ),
    (
        "How long should I boil an egg for a runny yolk?",
        "About six minutes in boiling water, then straight into cold water.",
    ),
    (
        "Give me a tip for falling asleep faster.",
        "Keep screens away for the last half hour and keep the room cool.",
    ),
    (
        "What's the difference between weather and climate?",
        "Weather is the day-to-day state of the atmosphere; climate is its long-term average.",
    ),
    (
        "Can you recommend a classic novel?",
        "Middlemarch by George Eliot is a wonderful place to start.",
    ),
    ("How do I convert Celsius to Fahrenheit?", "Multiply by nine fifths and add thirty-two."),
    (
        "What's a polite way to decline a meeting?",
        "Thank them, say you can't make it, and offer an alternative time or a written update.",
    ),
    (
        "Any ideas for a rainy Sunday?",
        "A museum visit, a long cooking project, or a board game afternoon.",
    ),
    (
        "How many minutes is a good power nap?",
        "Around twenty minutes, so you don't wake up groggy.",
    ),
)
