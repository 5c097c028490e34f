"""Turn a validated ``extract_memory`` answer into clean, self-consistent input for resolution.

Pydantic already checked the shape; this checks meaning: identifiers that may enter Cypher,
names that refer to entities, times that parse and are ordered. It never raises on odd LLM
output: what cannot be used is dropped or downgraded, with a warning.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from graphmem._identifiers import normalize_label, normalize_relationship_type
from graphmem._keys import name_key
from graphmem._ontology import Ontology
from graphmem._temporal import parse_time
from graphmem.ingest._contracts import ExtractMemory

__all__ = ["CleanEntity", "CleanExtraction", "CleanFact", "sanitize_extraction"]

logger = logging.getLogger("graphmem.ingest")

FALLBACK_TYPE = "Thing"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass
class CleanEntity:
    """An extracted entity with a validated label and its lookup keys."""

    key: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)

    def lookup_keys(self) -> set[str]:
        """Its name key and alias keys."""
        return {self.key, *(name_key(a) for a in self.aliases)}


@dataclass
class CleanFact:
    """An extracted fact: a relation (predicate, subject, object) or a unary fact (about)."""

    text: str
    valid_from: datetime | None
    valid_to: datetime | None
    predicate: str | None = None
    subject_key: str | None = None
    object_key: str | None = None
    about_keys: list[str] = field(default_factory=list)

    def entity_keys(self) -> list[str]:
        """Every entity key the fact involves."""
        keys = [k for k in (self.subject_key, self.object_key) if k]
        return keys + [k for k in self.about_keys if k not in keys]


@dataclass
class CleanExtraction:
    """Entities by key and facts, ready for resolution."""

    entities: dict[str, CleanEntity] = field(default_factory=dict)
    facts: list[CleanFact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Record and log a sanitization warning."""
        self.warnings.append(message)
        logger.warning("graphmem extraction: %s", message)


def _clean_text(value: str) -> str:
    return _CONTROL.sub(" ", value).strip()


def _time(value: str | None, what: str, result: CleanExtraction) -> datetime | None:
    try:
        return parse_time(value)
    except (ValueError, TypeError):
        result.warn(f"unparseable {what} {value!r} dropped")
        return None


class _Index:
    """name key / alias key -> canonical entity key."""

    def __init__(self) -> None:
        self.lookup: dict[str, str] = {}

    def find(self, name: str) -> str | None:
        return self.lookup.get(name_key(_clean_text(name)))


def sanitize_extraction(
    answer: ExtractMemory, *, ontology: Ontology, reference_time: datetime
) -> CleanExtraction:
    """Clean an extraction; see the module docstring for the rules."""
    result = CleanExtraction()
    index = _Index()
    for raw in answer.entities:
        _add_entity(raw.name, raw.type, raw.aliases, ontology, result, index)
    seen_texts: set[str] = set()
    for relation in answer.relations:
        text = _clean_text(relation.fact)
        subject = index.find(relation.subject) or _add_entity(
            relation.subject, FALLBACK_TYPE, [], ontology, result, index
        )
        obj = index.find(relation.object) or _add_entity(
            relation.object, FALLBACK_TYPE, [], ontology, result, index
        )
        predicate = normalize_relationship_type(relation.predicate)
        if predicate is None:
            result.warn(f"predicate {relation.predicate!r} unusable; kept as a plain fact")
        elif ontology.strict and ontology.relation(predicate) is None:
            predicate = None
        if not text or not subject or not obj or text.casefold() in seen_texts:
            continue
        seen_texts.add(text.casefold())
        valid_from, valid_to = _interval(relation.valid_from, relation.valid_to, result)
        result.facts.append(
            CleanFact(
                text=text,
                valid_from=valid_from,
                valid_to=valid_to,
                predicate=predicate,
                subject_key=subject,
                object_key=obj,
            )
        )
    for fact in answer.facts:
        text = _clean_text(fact.text)
        if not text or text.casefold() in seen_texts:
            continue
        seen_texts.add(text.casefold())
        about = [k for k in (index.find(name) for name in fact.about) if k]
        valid_from, valid_to = _interval(fact.valid_from, fact.valid_to, result)
        result.facts.append(
            CleanFact(text=text, valid_from=valid_from, valid_to=valid_to, about_keys=about)
        )
    del reference_time  # times stay as stated; defaults are applied by the planner
    return result


def _interval(
    start: str | None, end: str | None, result: CleanExtraction
) -> tuple[datetime | None, datetime | None]:
    valid_from = _time(start, "valid_from", result)
    valid_to = _time(end, "valid_to", result)
    if valid_from and valid_to and valid_to <= valid_from:
        result.warn("valid_to before valid_from; valid_to dropped")
        valid_to = None
    return valid_from, valid_to


def _add_entity(
    name: str,
    type_: str,
    aliases: list[str],
    ontology: Ontology,
    result: CleanExtraction,
    index: _Index,
) -> str | None:
    clean = _clean_text(name)[:200]
    key = name_key(clean)
    if not key:
        return None
    label = normalize_label(type_) or FALLBACK_TYPE
    if ontology.strict and label not in ontology.entity_type_names():
        label = FALLBACK_TYPE
    alias_list = [_clean_text(a)[:200] for a in aliases if _clean_text(a)]
    existing_key = index.lookup.get(key) or next(
        (index.lookup[name_key(a)] for a in alias_list if name_key(a) in index.lookup), None
    )
    if existing_key is not None:
        entity = result.entities[existing_key]
        for alias in [clean, *alias_list]:
            if name_key(alias) != entity.key and alias not in entity.aliases:
                entity.aliases.append(alias)
        for k in entity.lookup_keys():
            index.lookup.setdefault(k, existing_key)
        return existing_key
    entity = CleanEntity(
        key=key,
        name=clean,
        type=label,
        aliases=[a for a in dict.fromkeys(alias_list) if name_key(a) != key],
    )
    result.entities[key] = entity
    for k in entity.lookup_keys():
        index.lookup.setdefault(k, key)
    return key
