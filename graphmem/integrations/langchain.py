"""LangChain bridge: a retriever over graphmem and the memory tools as LangChain tools.

Example:
    >>> retriever = GraphMemRetriever(memory=memory, user_id="alice", k=5)
    >>> docs = retriever.invoke("where does Alice live?")
    >>> tools = memory_tools(memory, user_id="alice")
    >>> llm = ChatOpenAI(model="gpt-4o-mini").bind_tools(tools)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import ConfigDict

from graphmem.integrations.tools import (
    SAVE_DESCRIPTION,
    SAVE_TOOL,
    SEARCH_DESCRIPTION,
    SEARCH_TOOL,
    MemoryToolbox,
    SaveMemoryArgs,
    SearchMemoryArgs,
    openai_tools,
)
from graphmem.types import SearchHit

__all__ = ["GraphMemRetriever", "MemoryToolbox", "memory_tools", "openai_tools"]


class GraphMemRetriever(BaseRetriever):
    """Search a graphmem scope from LangChain; one Document per fact.

    ``metadata`` holds ``id``, ``score``, ``is_current``, ``valid_from``/``valid_to`` (ISO or
    None), ``sources`` (vector/fulltext/graph), ``entities`` and ``path`` (multi-hop chain).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    memory: Any
    """A :class:`graphmem.Memory`."""
    user_id: str | None = None
    agent_id: str | None = None
    run_id: str | None = None
    k: int = 5
    as_of: datetime | None = None
    include_history: bool = False
    hops: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.memory.search(
            query,
            user_id=self.user_id,
            agent_id=self.agent_id,
            run_id=self.run_id,
            limit=self.k,
            as_of=self.as_of,
            include_history=self.include_history,
            hops=self.hops,
        )
        return [_document(hit) for hit in result.hits]


def _document(hit: SearchHit) -> Document:
    fact = hit.fact
    return Document(
        page_content=fact.text,
        id=fact.id,
        metadata={
            "id": fact.id,
            "score": hit.score,
            "is_current": hit.is_current,
            "valid_from": fact.valid_from.isoformat() if fact.valid_from else None,
            "valid_to": fact.valid_to.isoformat() if fact.valid_to else None,
            "sources": list(hit.sources),
            "entities": list(hit.entities),
            "path": [f"{s.source} {s.relationship} {s.destination}" for s in hit.path],
        },
    )


def memory_tools(
    memory: Any,
    *,
    user_id: str | None = None,
    agent_id: str | None = None,
    run_id: str | None = None,
    infer: bool = True,
    max_tokens: int = 500,
) -> list[BaseTool]:
    """``[search_memory, save_memory]`` as LangChain tools bound to one scope.

    The scope is fixed here, never taken from the model's arguments.
    """
    box = MemoryToolbox(
        memory,
        user_id=user_id,
        agent_id=agent_id,
        run_id=run_id,
        infer=infer,
        max_tokens=max_tokens,
    )
    return [
        StructuredTool.from_function(
            func=box.search,
            name=SEARCH_TOOL,
            description=SEARCH_DESCRIPTION,
            args_schema=SearchMemoryArgs,
        ),
        StructuredTool.from_function(
            func=box.save, name=SAVE_TOOL, description=SAVE_DESCRIPTION, args_schema=SaveMemoryArgs
        ),
    ]
