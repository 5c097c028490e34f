"""A local fake OpenAI-compatible server: real HTTP on 127.0.0.1, scripted answers.

It serves ``POST /v1/chat/completions`` from a FIFO script of :class:`FakeResponse` (status,
body, headers, delay) and records every request, so the ``openai`` SDK client, its HTTP stack,
its error classes and its response parsing are exercised for real, without a network.

Usage::

    with FakeOpenAIServer() as server:
        server.queue_error(429, headers={"retry-after": "0"})
        server.queue_tool_call("extract_memory", {"entities": [], "relations": [], "facts": []})
        llm = OpenAIProvider("fake-model", base_url=server.base_url, api_key="test")
        ...
        assert len(server.requests) == 2

When the script runs out the server answers 400 with "no scripted response left" (a 4xx, so it
is not retried and the test fails fast).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAIServer", "FakeResponse", "RecordedRequest", "completion_body"]

_ids = itertools.count(1)


@dataclass
class FakeResponse:
    """One scripted HTTP answer. ``body`` may be a dict (sent as JSON), str or bytes."""

    status: int = 200
    body: dict[str, Any] | str | bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        """The request body, parsed."""
        return json.loads(self.raw or b"null")

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages sent."""
        return list(self.json.get("messages", []))


def completion_body(
    *,
    model: str = "fake-model",
    tool_calls: list[tuple[str, str]] | None = None,
    content: str | None = None,
    prompt_tokens: int = 11,
    completion_tokens: int = 7,
) -> dict[str, Any]:
    """A chat.completion JSON body with the given tool calls ``(name, arguments string)``."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": a}}
            for i, (n, a) in enumerate(tool_calls)
        ]
    return {
        "id": f"chatcmpl-fake-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake = self.server.owner._record_and_next(
            RecordedRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
        )
        if self.path.rstrip("/") != "/v1/chat/completions":
            fake = FakeResponse(404, {"error": {"message": f"no route {self.path}"}})
        if fake.delay and self.server.owner._stopping.wait(fake.delay):
            return  # shutting down: drop the request
        self._send(fake)

    def _send(self, fake: FakeResponse) -> None:
        body = fake.body
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        data = data.encode() if isinstance(data, str) else data
        try:
            self.send_response(fake.status)
            headers = {"content-type": "application/json", **fake.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FakeOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # dropped connections are expected in timeout tests


class FakeOpenAIServer:
    """A scripted OpenAI-compatible HTTP server on 127.0.0.1 (a random free port)."""

    def __init__(self, *, model: str = "fake-model") -> None:
        self.model = model
        self.requests: list[RecordedRequest] = []
        self._queue: deque[FakeResponse] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --

    def start(self) -> FakeOpenAIServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    # -- script --

    def enqueue(self, *responses: FakeResponse) -> None:
        with self._lock:
            self._queue.extend(responses)

    @property
    def remaining(self) -> int:
        return len(self._queue)

    def queue_tool_call(
        self,
        name: str,
        arguments: dict[str, Any] | str,
        *,
        prompt_tokens: int = 11,
        completion_tokens: int = 7,
        content: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer with one tool call; ``arguments`` as a dict (JSON-encoded) or a raw string."""
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        body = completion_body(
            model=self.model,
            tool_calls=[(name, args)],
            content=content,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )
        self.enqueue(FakeResponse(200, body, delay=delay))

    def queue_content(
        self, text: str, *, prompt_tokens: int = 11, completion_tokens: int = 7
    ) -> None:
        """Answer with plain message content and no tool call."""
        body = completion_body(
            model=self.model,
            content=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )
        self.enqueue(FakeResponse(200, body))

    def queue_error(
        self,
        status: int,
        message: str = "scripted error",
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer with an OpenAI-style error body."""
        error = {"message": message, "type": "fake_error", "param": None, "code": code}
        self.enqueue(FakeResponse(status, {"error": error}, dict(headers or {}), delay))

    def _record_and_next(self, request: RecordedRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        return FakeResponse(400, {"error": {"message": "fake server: no scripted response left"}})
