"""Token and call accounting: one call's usage, an invocation's totals, a per-operation ledger.

- :class:`CallUsage` is what a provider reports for one raw call.
- :class:`LLMUsage` is the sum over calls (an ``invoke()``, an ``add()``...); it supports ``+``.
- :class:`UsageLedger` aggregates :class:`LLMUsage` per operation name ("add", "search") for one
  ``Memory`` instance, safely from many threads.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CallUsage", "LLMUsage", "UsageLedger"]


@dataclass(frozen=True)
class CallUsage:
    """What one raw provider call cost.

    Attributes:
        prompt_tokens: input tokens as reported by the provider (0 if unknown).
        completion_tokens: output tokens as reported by the provider (0 if unknown).
        latency_ms: wall time of the call in milliseconds.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0


class LLMUsage(BaseModel):
    """Totals over one or more LLM calls, failed and retried calls included.

    ``retries`` counts calls made beyond the first of each invocation: transient retries (429,
    timeouts, 5xx) and the one corrective retry after an answer that did not validate.

    Usage::

        total = LLMUsage(calls=1, prompt_tokens=10) + LLMUsage(calls=2, retries=1)
        assert total.calls == 3
    """

    model_config = ConfigDict(frozen=True)

    calls: int = Field(default=0, ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0.0)
    retries: int = Field(default=0, ge=0)

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: object) -> LLMUsage:
        if not isinstance(other, LLMUsage):
            return NotImplemented
        return LLMUsage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            latency_ms=self.latency_ms + other.latency_ms,
            retries=self.retries + other.retries,
        )

    def __radd__(self, other: object) -> LLMUsage:
        # Lets ``sum(usages)`` work: sum() starts from the integer 0.
        if other == 0:
            return self
        return self.__add__(other)

    @classmethod
    def from_call(cls, call: CallUsage, *, retry: bool = False) -> LLMUsage:
        """The usage of one call; ``retry`` marks a call beyond the first of an invocation."""
        return cls(
            calls=1,
            prompt_tokens=max(0, call.prompt_tokens),
            completion_tokens=max(0, call.completion_tokens),
            latency_ms=max(0.0, call.latency_ms),
            retries=1 if retry else 0,
        )


class UsageLedger:
    """Thread-safe running totals of LLM usage, per operation name.

    Usage::

        ledger = UsageLedger()
        ledger.record("add", LLMUsage(calls=1, prompt_tokens=812))
        ledger.usage("add").calls, ledger.usage().calls  # one operation, all operations
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_operation: dict[str, LLMUsage] = {}

    def record(self, operation: str, usage: LLMUsage) -> None:
        """Add ``usage`` to the totals of ``operation``."""
        with self._lock:
            self._by_operation[operation] = self._by_operation.get(operation, LLMUsage()) + usage

    def usage(self, operation: str | None = None) -> LLMUsage:
        """Totals of one operation, or of all operations when ``operation`` is None."""
        with self._lock:
            if operation is not None:
                return self._by_operation.get(operation, LLMUsage())
            return sum(self._by_operation.values(), LLMUsage())

    def by_operation(self) -> Mapping[str, LLMUsage]:
        """A snapshot: operation name to its totals."""
        with self._lock:
            return dict(self._by_operation)

    def reset(self) -> None:
        """Forget every total."""
        with self._lock:
            self._by_operation.clear()

    def __repr__(self) -> str:
        return f"UsageLedger({self.by_operation()!r})"
