"""Answers as local servers (Ollama, vLLM, llama.cpp) really give them, over real HTTP.

Each recorded answer shape goes through OpenAIProvider + ToolInvoker against the local fake
OpenAI-compatible server: accepted when only one reading is possible, still validated against
the contract, and rejected (with one corrective retry) when ambiguous. Also the doctor probe.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from graphmem.errors import ExtractionError
from graphmem.ingest._contracts import EXTRACT_TOOL_NAME, ExtractMemory
from graphmem.llm import (
    OpenAIProvider,
    RetryPolicy,
    ToolInvoker,
    probe_tool_calling,
    recover_arguments,
    stop_after_attempt,
)
from graphmem.llm._probe import PROBE_TOOL
from tests.fakes import FakeOpenAIServer, FakeResponse, completion_body

MESSAGES = [{"role": "user", "content": "I moved to Berlin in March."}]
VALID = {
    "entities": [{"name": "Alice", "type": "Person", "aliases": []}],
    "relations": [],
    "facts": [],
}
ARGS = json.dumps(VALID)


@pytest.fixture()
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


def provider(server: FakeOpenAIServer) -> OpenAIProvider:
    return OpenAIProvider("fake-model", base_url=server.base_url, api_key="test-key")


def extract(server: FakeOpenAIServer) -> Any:
    policy = RetryPolicy(stop=stop_after_attempt(2), sleep=lambda _: None, random=lambda: 0.0)
    invoker = ToolInvoker(provider(server), retry=policy, timeout=10.0)
    return invoker.invoke(
        ExtractMemory, EXTRACT_TOOL_NAME, "Extract memories.", "You extract.", MESSAGES
    )


def queue_object_arguments(server: FakeOpenAIServer, arguments: Any) -> None:
    """A tool call whose ``arguments`` is a JSON object, not a string (some vLLM/Ollama builds)."""
    body = completion_body(model=server.model, tool_calls=[(EXTRACT_TOOL_NAME, "{}")])
    body["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = arguments
    server.enqueue(FakeResponse(200, body))


CONTENT_ANSWERS = {
    "bare_json": ARGS,
    "fenced_with_prose": "Here you go:\n```json\n" + ARGS + "\n```\nLet me know if more!",
    "trailing_prose_with_braces": ARGS + "\nNote: {I filled every field}.",
    "ollama_name_arguments": json.dumps({"name": EXTRACT_TOOL_NAME, "arguments": VALID}),
    "llama_name_parameters": json.dumps({"name": EXTRACT_TOOL_NAME, "parameters": VALID}),
    "openai_function_wrapper": json.dumps(
        {"function": {"name": EXTRACT_TOOL_NAME, "arguments": ARGS}}
    ),
}


@pytest.mark.parametrize("answer", list(CONTENT_ANSWERS.values()), ids=list(CONTENT_ANSWERS))
def test_content_answers_are_accepted(server: FakeOpenAIServer, answer: str) -> None:
    server.queue_content(answer)
    result = extract(server)
    assert result.value.entities[0].name == "Alice"
    assert len(server.requests) == 1


TOOL_ARGUMENTS = {
    "fenced": "```json\n" + ARGS + "\n```",
    "trailing_prose": ARGS + "\nI hope this helps.",
    "double_encoded": json.dumps(ARGS),
    "wrapped": json.dumps({"name": EXTRACT_TOOL_NAME, "arguments": ARGS}),
}


@pytest.mark.parametrize("arguments", list(TOOL_ARGUMENTS.values()), ids=list(TOOL_ARGUMENTS))
def test_tool_call_argument_forms_are_accepted(server: FakeOpenAIServer, arguments: str) -> None:
    server.queue_tool_call(EXTRACT_TOOL_NAME, arguments)
    assert extract(server).value.entities[0].name == "Alice"
    assert len(server.requests) == 1


def test_arguments_as_an_object_are_accepted(server: FakeOpenAIServer) -> None:
    queue_object_arguments(server, VALID)
    assert extract(server).value.entities[0].name == "Alice"


def test_two_objects_in_content_are_ambiguous_and_corrected(server: FakeOpenAIServer) -> None:
    server.queue_content("Option A: " + ARGS + "\nOption B: " + ARGS.replace("Alice", "Bob"))
    server.queue_tool_call(EXTRACT_TOOL_NAME, VALID)
    assert extract(server).value.entities[0].name == "Alice"
    assert len(server.requests) == 2  # the ambiguous answer was not guessed at


def test_lenient_forms_are_still_validated(server: FakeOpenAIServer) -> None:
    bad = {"entities": [{"name": "Alice"}], "relations": [], "facts": []}  # no type
    fenced = "```json\n" + json.dumps(bad) + "\n```"
    server.queue_content(fenced)
    server.queue_content(fenced)
    with pytest.raises(ExtractionError) as info:
        extract(server)
    assert any("type" in str(e.get("loc")) for e in info.value.errors)


def test_wrapper_for_another_tool_is_not_unwrapped() -> None:
    other = {"name": "delete_everything", "arguments": {"x": 1}}
    assert recover_arguments(json.dumps(other), EXTRACT_TOOL_NAME) == other


def test_probe_reports_a_real_tool_call(server: FakeOpenAIServer) -> None:
    server.queue_tool_call(PROBE_TOOL, {"city": "Lisbon"})
    report = probe_tool_calling(provider(server))
    assert (report.mode, report.ok, report.advice) == ("tool_call", True, "")
    sent = server.requests[0].json
    assert sent["tools"][0]["function"]["name"] == PROBE_TOOL


def test_probe_reports_json_in_content(server: FakeOpenAIServer) -> None:
    server.queue_content('```json\n{"city": "Lisbon"}\n```')
    report = probe_tool_calling(provider(server))
    assert (report.mode, report.ok) == ("content_json", True)
    assert "tool" in report.advice


def test_probe_reports_no_tool_calling(server: FakeOpenAIServer) -> None:
    server.queue_content("You live in Lisbon, a lovely city!")
    report = probe_tool_calling(provider(server))
    assert (report.mode, report.ok) == ("none", False)
    assert "Lisbon" in report.detail


def test_probe_reports_endpoint_errors(server: FakeOpenAIServer) -> None:
    server.queue_error(401, "bad key")
    report = probe_tool_calling(provider(server))
    assert (report.mode, report.ok) == ("error", False)
