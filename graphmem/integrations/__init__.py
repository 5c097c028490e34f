"""Bridges to agent frameworks: LangChain (``graphmem.integrations.langchain``) and plain
OpenAI tool schemas for any other framework (``graphmem.integrations.tools``)."""
