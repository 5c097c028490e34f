"""The ontology: entity types, relation types and their cardinality (single- or multi-valued).

A single-valued relation (LIVES_IN, WORKS_AT, MARRIED_TO...) holds one object per subject at a
time, so a newer value supersedes the older one by rule, with no LLM call.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graphmem._identifiers import cypher_identifier

__all__ = ["DEFAULT_ONTOLOGY", "EntityType", "Ontology", "RelationType"]


class EntityType(BaseModel):
    """A kind of entity, e.g. ``Person``."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""

    @field_validator("name")
    @classmethod
    def _valid_label(cls, value: str) -> str:
        cypher_identifier(value, kind="label")
        return value


class RelationType(BaseModel):
    """A kind of relation, e.g. ``LIVES_IN`` (Person -> Place, single-valued)."""

    model_config = ConfigDict(frozen=True)

    name: str
    cardinality: Literal["single", "multi"] = "multi"
    symmetric: bool = False
    """Direction carries no meaning (A PARTNER_OF B == B PARTNER_OF A)."""
    subject_types: tuple[str, ...] = ()
    object_types: tuple[str, ...] = ()
    description: str = ""

    @field_validator("name")
    @classmethod
    def _valid_type(cls, value: str) -> str:
        cypher_identifier(value, kind="type")
        return value


class Ontology(BaseModel):
    """Entity and relation types the extractor is steered towards.

    Args:
        entity_types: the types to use; others are kept (normalized) unless ``strict``.
        relation_types: relations with cardinality and allowed endpoint types.
        strict: map unknown entity types to ``Thing`` and keep facts with unknown predicates
            without a typed relationship.

    Example:
        >>> Ontology(relation_types=[RelationType(name="OWNS_CAR", cardinality="single")])
    """

    model_config = ConfigDict(frozen=True)

    entity_types: tuple[EntityType, ...] = Field(default_factory=tuple)
    relation_types: tuple[RelationType, ...] = Field(default_factory=tuple)
    strict: bool = False

    def relation(self, name: str) -> RelationType | None:
        """The declared relation type of that name, if any."""
        for relation in self.relation_types:
            if relation.name == name:
                return relation
        return None

    def is_single_valued(self, predicate: str | None) -> bool:
        """True if the predicate holds one object per subject at a time."""
        relation = self.relation(predicate) if predicate else None
        return relation is not None and relation.cardinality == "single"

    def is_symmetric(self, predicate: str | None) -> bool:
        """True if the predicate reads the same both ways."""
        relation = self.relation(predicate) if predicate else None
        return relation is not None and relation.symmetric

    def phrase(self, predicate: str) -> str:
        """The relationship type read as words, with its description ("managed by: manager
        or boss someone reports to"); search compares the query with this."""
        words = predicate.replace("_", " ").lower()
        relation = self.relation(predicate)
        return f"{words}: {relation.description}" if relation and relation.description else words

    def entity_type_names(self) -> list[str]:
        """Names of the declared entity types."""
        return [t.name for t in self.entity_types]


def _types(*names: str) -> tuple[EntityType, ...]:
    return tuple(EntityType(name=n) for n in names)


DEFAULT_ONTOLOGY = Ontology(
    entity_types=_types(
        "Person", "Place", "Organization", "Event", "Pet", "Activity", "Thing", "Concept", "Agent"
    ),
    relation_types=(
        RelationType(
            name="LIVES_IN",
            cardinality="single",
            object_types=("Place",),
            description="home city, where someone lives or moved to",
        ),
        RelationType(
            name="WORKS_AT",
            cardinality="single",
            object_types=("Organization",),
            description="employer, company or organization someone works for, job",
        ),
        RelationType(
            name="MARRIED_TO",
            cardinality="single",
            symmetric=True,
            object_types=("Person",),
            description="husband or wife, spouse",
        ),
        RelationType(
            name="PARTNER_OF",
            cardinality="single",
            symmetric=True,
            object_types=("Person",),
            description="romantic partner, boyfriend or girlfriend",
        ),
        RelationType(
            name="MANAGED_BY",
            cardinality="single",
            object_types=("Person",),
            description="manager or boss someone reports to",
        ),
        RelationType(
            name="BORN_IN", cardinality="single", object_types=("Place",), description="birthplace"
        ),
        RelationType(name="HAS_JOB_TITLE", cardinality="single", description="job title, role"),
        RelationType(
            name="SIBLING_OF",
            symmetric=True,
            object_types=("Person",),
            description="brother or sister",
        ),
        RelationType(
            name="PARENT_OF",
            object_types=("Person",),
            description="mother or father of a child, son or daughter",
        ),
        RelationType(
            name="FRIEND_OF", symmetric=True, object_types=("Person",), description="friend"
        ),
        RelationType(name="KNOWS", symmetric=True, object_types=("Person",)),
        RelationType(
            name="HAS_PET", object_types=("Pet",), description="pet animal, dog or cat, its name"
        ),
        RelationType(
            name="ENJOYS",
            object_types=("Activity", "Thing", "Concept"),
            description="hobby or pastime someone enjoys",
        ),
        RelationType(name="LIKES"),
        RelationType(name="DISLIKES"),
        RelationType(
            name="MEMBER_OF", object_types=("Organization",), description="member of a club"
        ),
        RelationType(name="VISITED", object_types=("Place",), description="trip, travel"),
        RelationType(name="ATTENDED", object_types=("Event",)),
    ),
)
