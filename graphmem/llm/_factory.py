"""``create_llm(provider, **config)``: a provider from a mem0-style ``{"provider", "config"}``."""

from __future__ import annotations

import os
from typing import Any

from ..errors import ConfigError
from ._base import LLMProvider
from ._langchain import LangChainProvider
from ._openai import OpenAIProvider
from ._scripted import ScriptedLLM

__all__ = ["LOCAL_SERVER_URLS", "create_llm"]

LOCAL_SERVER_URLS = {
    "ollama": "http://localhost:11434/v1",
    "vllm": "http://localhost:8000/v1",
    "lmstudio": "http://localhost:1234/v1",
    "llamacpp": "http://localhost:8080/v1",
}
"""Where each local OpenAI-compatible server listens by default."""

# llama-server silently treats a named (object-form) tool_choice as "auto"; with one tool,
# "required" forces the same call.
_LOCAL_TOOL_CHOICE = {"llamacpp": "required"}

_OPENAI_KEYS = frozenset(
    {
        "model",
        "api_key",
        "base_url",
        "openai_base_url",  # mem0's name for base_url
        "tool_choice",
        "strict",
        "temperature",
        "max_tokens",
        "request_options",
        "client_options",
        "client",
        "async_client",
    }
)


def _normalize(provider: str) -> str:
    return "".join(ch for ch in provider.lower() if ch.isalnum())


def _check_keys(provider: str, config: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {unknown} for LLM provider {provider!r}; "
            f"accepted: {sorted(allowed)}"
        )


def _openai_compatible(name: str, provider: str, config: dict[str, Any]) -> OpenAIProvider:
    _check_keys(provider, config, _OPENAI_KEYS)
    base_url = config.pop("base_url", None) or config.pop("openai_base_url", None)
    config.pop("openai_base_url", None)
    if name in LOCAL_SERVER_URLS:
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or LOCAL_SERVER_URLS[name]
        config.setdefault("tool_choice", _LOCAL_TOOL_CHOICE.get(name, "named"))
    return OpenAIProvider(base_url=base_url, **config)


def create_llm(provider: str = "openai", **config: Any) -> LLMProvider:
    """Build an LLM provider by name. Does no I/O: errors about credentials come at call time.

    Args:
        provider: ``"openai"`` (any OpenAI-compatible endpoint); ``"ollama"``, ``"vllm"``,
            ``"lmstudio"``, ``"llamacpp"`` (the same, with that server's default local base
            URL unless ``base_url`` or ``OPENAI_BASE_URL`` is set); ``"langchain"``;
            ``"scripted"``.
        **config: for OpenAI-compatible providers, the arguments of :class:`OpenAIProvider`
            (``model``, ``api_key``, ``base_url`` or ``openai_base_url``, ``temperature``...);
            for ``"langchain"``, ``model`` (a ``BaseChatModel`` instance) and optional
            ``bind_options``; for ``"scripted"``, ``answers``.

    Raises:
        ConfigError: unknown provider or setting.

    Usage::

        llm = create_llm("ollama", model="qwen2.5:7b")
        llm = create_llm("langchain", model=ChatAnthropic(model="claude-sonnet-4-5"))
    """
    name = _normalize(provider)
    config = dict(config)
    if name == "openai" or name in LOCAL_SERVER_URLS:
        return _openai_compatible(name, provider, config)
    if name == "langchain":
        _check_keys(provider, config, frozenset({"model", "bind_options"}))
        if "model" not in config:
            raise ConfigError("the langchain LLM provider needs model=<a BaseChatModel instance>")
        return LangChainProvider(config["model"], bind_options=config.get("bind_options"))
    if name == "scripted":
        _check_keys(provider, config, frozenset({"answers"}))
        return ScriptedLLM(config.get("answers", ()))
    choices = ["openai", *LOCAL_SERVER_URLS, "langchain", "scripted"]
    raise ConfigError(f"unknown LLM provider {provider!r}; choose one of {choices}")
