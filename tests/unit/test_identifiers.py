"""The one audited gate for labels and relationship types entering Cypher."""

from __future__ import annotations

import pytest

from graphmem import InputError, InvalidIdentifierError
from graphmem._identifiers import (
    RESERVED_LABELS,
    RESERVED_RELATIONSHIP_TYPES,
    cypher_identifier,
    normalize_label,
    normalize_relationship_type,
)

INJECTIONS = [
    "LIVES_IN`]->() DETACH DELETE n//",
    "Person) MATCH (x",
    "Person`) MATCH (x) DETACH DELETE x //",
    "a b",
    "LIVES IN",
    '"',
    "`",
    "``",
    "`Person`",
    "Person`",
    "{",
    "}",
    "Person{name:1}",
    "LIVES_IN\n",
    "Person\n",
    "\nPerson",
    "LIVES_IN\r",
    "LIVES_IN\x00",
    "LIVES_IN;",
    "LIVES_IN|KNOWS",
    "Person:Admin",
    "$label",
    "Person'",
    "LIVES-IN",
    "LIVES_ІN",  # Cyrillic I
    "Ρerson",  # Greek Rho
    "ＬＩＶＥＳ",  # fullwidth letters
    "Pérson",
    "LIVES_IN\u200b",  # zero-width space
    "",
    " ",
    " Person",
    "Person ",
    "_PERSON",
    "1PERSON",
    "lives_in",
    "person",
]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("LIVES_IN", "type", "`LIVES_IN`"),
        ("WORKS_AT", "type", "`WORKS_AT`"),
        ("A", "type", "`A`"),
        ("R2D2", "type", "`R2D2`"),
        ("HAS_3_KIDS", "type", "`HAS_3_KIDS`"),
        ("A" + "B" * 63, "type", "`A" + "B" * 63 + "`"),
        ("Person", "label", "`Person`"),
        ("SportsTeam", "label", "`SportsTeam`"),
        ("P", "label", "`P`"),
        ("PERSON", "label", "`PERSON`"),
        ("Model3", "label", "`Model3`"),
        ("P" + "x" * 63, "label", "`P" + "x" * 63 + "`"),
    ],
)
def test_accepts_valid_identifiers(value: str, kind: str, expected: str) -> None:
    assert cypher_identifier(value, kind=kind) == expected


@pytest.mark.parametrize("kind", ["label", "type"])
@pytest.mark.parametrize("value", INJECTIONS)
def test_rejects_injection_and_malformed_strings(value: str, kind: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        cypher_identifier(value, kind=kind)


@pytest.mark.parametrize("kind", ["label", "type"])
@pytest.mark.parametrize("value", ["A" * 65, "P" + "x" * 64])
def test_rejects_65_characters(value: str, kind: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        cypher_identifier(value, kind=kind)


@pytest.mark.parametrize("kind", ["label", "type"])
@pytest.mark.parametrize("value", [None, 5, 1.5, b"PERSON", ["PERSON"], object()])
def test_rejects_non_strings(value: object, kind: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        cypher_identifier(value, kind=kind)


@pytest.mark.parametrize("value", sorted(RESERVED_LABELS))
def test_rejects_reserved_labels(value: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="reserved"):
        cypher_identifier(value, kind="label")


@pytest.mark.parametrize("value", sorted(RESERVED_RELATIONSHIP_TYPES))
def test_rejects_reserved_relationship_types(value: str) -> None:
    with pytest.raises(InvalidIdentifierError, match="reserved"):
        cypher_identifier(value, kind="type")


def test_reserved_sets_cover_what_graphmem_writes() -> None:
    assert {"Entity", "Fact", "Episode", "History"} <= RESERVED_LABELS
    assert {"ABOUT", "FROM", "SUPERSEDED_BY"} <= RESERVED_RELATIONSHIP_TYPES


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(InvalidIdentifierError):
        cypher_identifier("Person", kind="property")


def test_invalid_identifier_error_is_an_input_error() -> None:
    with pytest.raises(InputError):
        cypher_identifier("a b", kind="type")
    with pytest.raises(ValueError):
        cypher_identifier("a b", kind="type")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("lives in", "LIVES_IN"),
        ("livesIn", "LIVES_IN"),
        ("LIVES-IN", "LIVES_IN"),
        ("LIVES_IN", "LIVES_IN"),
        ("  works at  ", "WORKS_AT"),
        ("married_to", "MARRIED_TO"),
        ("hasChild", "HAS_CHILD"),
        ("2nd cousin of", "REL_2ND_COUSIN_OF"),
        ("_x_", "X"),
        ("été à", "ETE_A"),
        ("ｌｉｖｅｓ ｉｎ", "LIVES_IN"),
        ("x" * 100, "X" * 64),
        ("LIVES_IN`]->() DETACH DELETE n//", "LIVES_IN_DETACH_DELETE_N"),
        ("", None),
        ("   ", None),
        ("!!!", None),
        ("住む", None),
        ("about", None),
        ("from", None),
        ("superseded by", None),
    ],
)
def test_normalize_relationship_type(raw: str, expected: str | None) -> None:
    result = normalize_relationship_type(raw)
    assert result == expected
    if result is not None:
        assert cypher_identifier(result, kind="type") == f"`{result}`"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("person", "Person"),
        ("Person", "Person"),
        ("sports team", "SportsTeam"),
        ("sports_team", "SportsTeam"),
        ("sports-team", "SportsTeam"),
        ("PERSON", "PERSON"),
        ("iPhone", "IPhone"),
        ("3d model", "T3dModel"),
        ("Café", "Cafe"),
        ("x" * 70, "X" + "x" * 63),
        ("Person) MATCH (x", "PersonMATCHX"),
        ("", None),
        ("  ", None),
        ("???", None),
        ("人物", None),
        ("entity", None),
        ("fact", None),
        ("episode", None),
        ("history", None),
        ("Entity", None),
    ],
)
def test_normalize_label(raw: str, expected: str | None) -> None:
    result = normalize_label(raw)
    assert result == expected
    if result is not None:
        assert cypher_identifier(result, kind="label") == f"`{result}`"


@pytest.mark.parametrize("raw", INJECTIONS)
def test_normalizers_only_ever_produce_valid_identifiers(raw: str) -> None:
    for value, kind in (
        (normalize_relationship_type(raw), "type"),
        (normalize_label(raw), "label"),
    ):
        if value is not None:
            assert cypher_identifier(value, kind=kind) == f"`{value}`"
