"""A response-caching model wrapper: the document's ``CachedModel``, for agno.

The performance document recommends caching LLM responses to save API calls
(a map from a hash of the request to the response, behind a read-write
lock). :class:`CachingModel` does that at agno's model boundary: it wraps
any agno model, keys each request on what the model would see (every
message's role, content, tool calls and tool-call id, and the names of the
tools offered), and answers a repeated request without calling the wrapped
model. Streaming requests are passed through uncached.

A cache keyed on too little hands one user's answer to another. ``memo_key``
lets a test plug in such a broken key and see the scenario's checks catch it.

(agno's own ``Model.cache_response`` caches to files on disk; this one is
the in-memory map of the document. Its field names avoid agno's ``cache_*``.)
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Iterator

from agno.models.base import Model
from agno.models.message import Message
from agno.models.response import ModelResponse


def request_key(messages: list[Message], tools: Any = None) -> str:
    """A digest of everything that decides the reply."""
    parts = [[m.role, m.content if isinstance(m.content, str) else json.dumps(m.content, default=str),
              m.tool_call_id, json.dumps(m.tool_calls, sort_keys=True, default=str) if m.tool_calls else None]
             for m in messages]
    tool_names = sorted(str(t.get("function", {}).get("name", t) if isinstance(t, dict) else getattr(t, "name", t))
                        for t in tools or [])
    return hashlib.sha256(json.dumps([parts, tool_names], default=str).encode()).hexdigest()


@dataclass
class CachingModel(Model):
    id: str = "agnobench-caching"
    name: str = "CachingModel"
    provider: str = "agnobench"
    wrapped: Model | None = None
    memo: dict[str, Any] = field(default_factory=dict)
    memo_hits: int = 0
    memo_misses: int = 0
    memo_key: Callable[[list[Message], Any], str] = request_key
    memo_lock: Any = field(default_factory=threading.Lock)

    def _inner(self) -> Model:
        if self.wrapped is None:
            raise ValueError("CachingModel needs a wrapped model")
        return self.wrapped

    def _lookup(self, key: str) -> Any:
        with self.memo_lock:
            cached = self.memo.get(key)
            if cached is not None:
                self.memo_hits += 1
            return cached

    def _store(self, key: str, response: Any) -> Any:
        with self.memo_lock:
            self.memo_misses += 1
            self.memo[key] = response
        return response

    def invoke(self, *args: Any, messages: list[Message], **kwargs: Any) -> Any:
        key = self.memo_key(messages, kwargs.get("tools"))
        cached = self._lookup(key)
        if cached is not None:
            return cached
        return self._store(key, self._inner().invoke(*args, messages=messages, **kwargs))

    async def ainvoke(self, *args: Any, messages: list[Message], **kwargs: Any) -> Any:
        key = self.memo_key(messages, kwargs.get("tools"))
        cached = self._lookup(key)
        if cached is not None:
            return cached
        return self._store(key, await self._inner().ainvoke(*args, messages=messages, **kwargs))

    def invoke_stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from self._inner().invoke_stream(*args, **kwargs)

    async def ainvoke_stream(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async for chunk in self._inner().ainvoke_stream(*args, **kwargs):
            yield chunk

    def _parse_provider_response(self, response: Any, **kwargs: Any) -> ModelResponse:
        return self._inner()._parse_provider_response(response, **kwargs)

    def _parse_provider_response_delta(self, response: Any) -> ModelResponse:
        return self._inner()._parse_provider_response_delta(response)
