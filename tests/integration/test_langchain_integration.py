"""graphmem.integrations: LangChain retriever and tools, OpenAI schemas and dispatcher, and the
README agent loop driven by a langchain-core fake chat model that calls the tools.

Real FalkorDB and MiniLM; ``infer=False`` (no extraction LLM)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.tools import BaseTool

from graphmem import InputError, Memory
from graphmem.integrations.langchain import GraphMemRetriever, memory_tools
from graphmem.integrations.tools import MemoryToolbox, openai_tools

MakeMemory = Callable[..., Memory]


def test_retriever_returns_documents_with_memory_metadata(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    memory.add("Alice lives in Lisbon.", user_id="alice", infer=False)
    memory.add("Bob lives in Oslo.", user_id="bob", infer=False)
    docs = GraphMemRetriever(memory=memory, user_id="alice", k=3).invoke("Where does Alice live?")
    assert docs and all(isinstance(d, Document) for d in docs)
    assert [d.page_content for d in docs] == ["Alice lives in Lisbon."]  # scope kept
    meta = docs[0].metadata
    assert meta["id"] == docs[0].id and isinstance(meta["score"], float)
    assert meta["is_current"] is True and meta["valid_to"] is None and meta["sources"]


def test_tools_save_and_search_in_the_bound_scope(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    tools = {t.name: t for t in memory_tools(memory, user_id="carol", infer=False)}
    assert set(tools) == {"search_memory", "save_memory"}
    assert tools["save_memory"].invoke({"text": "Carol is allergic to cats."}).startswith("Saved")
    assert "allergic to cats" in tools["search_memory"].invoke({"query": "allergies"})
    assert memory.get_all(user_id="dave") == []  # nothing leaked to another scope
    assert tools["search_memory"].args_schema is not None


def test_openai_schemas_and_dispatcher(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    schemas = {t["function"]["name"]: t["function"] for t in openai_tools()}
    assert schemas["search_memory"]["parameters"]["required"] == ["query"]
    assert schemas["save_memory"]["parameters"]["properties"]["text"]["type"] == "string"
    box = MemoryToolbox(memory, user_id="erin", infer=False)
    assert box.dispatch("save_memory", '{"text": "Erin runs marathons."}').startswith("Saved")
    assert "marathons" in box.dispatch("search_memory", {"query": "sports", "limit": 3})
    with pytest.raises(InputError):
        box.dispatch("drop_database", "{}")
    with pytest.raises(InputError):
        box.dispatch("search_memory", '{"limit": 3}')


def agent_turn(
    llm: Any, memory: Memory, tools: dict[str, BaseTool], user: str, user_text: str
) -> str:
    """The README loop: search before, let the model use the tools, add the turn after."""
    docs = GraphMemRetriever(memory=memory, user_id=user, k=5).invoke(user_text)
    context = "\n".join(f"- {d.page_content}" for d in docs) or "(none)"
    messages: list[BaseMessage] = [
        SystemMessage(f"You are a helpful assistant. Memories about the user:\n{context}"),
        HumanMessage(user_text),
    ]
    reply = llm.invoke(messages)
    while reply.tool_calls:
        messages.append(reply)
        messages.extend(tools[call["name"]].invoke(call) for call in reply.tool_calls)
        reply = llm.invoke(messages)
    memory.add(
        [{"role": "user", "content": user_text}, {"role": "assistant", "content": reply.content}],
        user_id=user,
        infer=False,
    )
    return str(reply.content)


def test_agent_loop_with_a_fake_chat_model(memory_factory: MakeMemory) -> None:
    memory = memory_factory()
    memory.add("I am vegetarian.", user_id="frank", infer=False)
    tools = {t.name: t for t in memory_tools(memory, user_id="frank", infer=False)}
    save = {"name": "save_memory", "args": {"text": "Frank moved to Porto."}, "id": "c1"}
    search = {"name": "search_memory", "args": {"query": "diet"}, "id": "c2"}
    llm = FakeMessagesListChatModel(
        responses=[
            AIMessage(content="", tool_calls=[save]),
            AIMessage(content="Noted, welcome to Porto!"),
            AIMessage(content="", tool_calls=[search]),
            AIMessage(content="A vegetarian place in Porto."),
        ]
    )
    assert agent_turn(llm, memory, tools, "frank", "I just moved to Porto.") == (
        "Noted, welcome to Porto!"
    )
    answer = agent_turn(llm, memory, tools, "frank", "Where should I eat tonight?")
    assert answer == "A vegetarian place in Porto."
    texts = {f.text for f in memory.get_all(user_id="frank")}
    assert {"Frank moved to Porto.", "I just moved to Porto.", "Noted, welcome to Porto!"} <= texts
    # the second turn's retriever saw the fact the tool saved in the first
    found = GraphMemRetriever(memory=memory, user_id="frank").invoke("Porto")
    assert any(d.page_content == "Frank moved to Porto." for d in found)
