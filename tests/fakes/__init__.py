"""Test doubles shared by the test suites (no network beyond 127.0.0.1, no real models)."""

from __future__ import annotations

from .openai_server import FakeOpenAIServer, FakeResponse, RecordedRequest, completion_body

__all__ = ["FakeOpenAIServer", "FakeResponse", "RecordedRequest", "completion_body"]
