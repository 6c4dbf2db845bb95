"""The storage scenarios' operations: an agent run on each store (for the leak pass), and the durable
25-turn conversation, Agno on its SqliteDb / PostgresDb beside LangGraph on its SQLite / Postgres saver.

A store opened in a scenario's setup lives as long as the worker: it is
removed by its janitor when the worker ends (:mod:`.postgres_server`), since a
worker ends with ``os._exit``. The timing pass forks its children from the
worker after setup: a connection must never be shared by two processes, so
each durable state opens its own connections again in a process it was not
made in, and leaves the inherited ones untouched (closing them from the
child would end the parent's session too).
"""

from __future__ import annotations

import itertools
import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from agnobench.adapters.contract import PROMPT, expect_reply

DURABLE_TURNS = 25  # the conversation Agno's own comparison saves to SQLite
_stack = ExitStack()  # stores opened by setups: closed by the worker's end (see the module docstring)
_inherited: list[Any] = []  # a forked child's copies of its parent's connections: kept, never closed
_postgres_url: str | None = None


def call(fn: Callable[[], Any]) -> Any:
    """The operation of a setup that returns the op itself."""
    return fn()


def _agent_run(kind: str) -> Callable[[], Any]:
    from agno.agent import Agent

    from agnobench.adapters.agno.frameworks import NAME, _completed
    from agnobench.adapters.agno.mock_model import MockModel
    from agnobench.adapters.storage.stores import open_store

    store = _stack.enter_context(open_store(kind))
    agent = Agent(model=MockModel(), db=store.db)
    sessions = itertools.count()

    def run() -> Any:
        output = _completed(agent.run(PROMPT, session_id=f"leak-{next(sessions)}"))
        expect_reply(NAME, output.content, PROMPT)
        return output

    return run


def memory_agent_run() -> Callable[[], Any]:
    """One checked agent run per call, each its own session, on agno's InMemoryDb."""
    return _agent_run("memory")


def sqlite_agent_run() -> Callable[[], Any]:
    return _agent_run("sqlite")


def postgres_agent_run() -> Callable[[], Any]:
    return _agent_run("postgres")


# ---- the durable 25-turn conversation -------------------------------------------------------------

@dataclass
class Durable:
    """A durable store (a SQLite file or a PostgreSQL URL) and this process's agent on it."""

    kind: str  # sqlite | postgres
    location: str  # file path or SQLAlchemy URL
    open_agent: Callable[["Durable"], Any]
    agent: Any = None
    pid: int = -1
    handles: list[Any] = field(default_factory=list)  # connections of this process's agent
    conversations: Iterator[int] = field(default_factory=itertools.count)

    def ready(self) -> Any:
        if self.pid != os.getpid():
            _inherited.extend(self.handles)  # a fork's copies: leave the parent's connections alone
            for handle in self.handles:
                dispose = getattr(handle, "dispose", None)
                if dispose is not None:
                    dispose(close=False)  # SQLAlchemy: forget pooled connections without closing them
            self.handles = []
            self.agent = self.open_agent(self)
            self.pid = os.getpid()
        return self.agent


def _location(kind: str) -> str:
    if kind == "sqlite":
        import tempfile

        from agnobench.adapters.storage.postgres_server import Janitor

        root = Path(tempfile.mkdtemp(prefix="agnobench-durable-"))
        janitor = Janitor("dir", str(root))
        _stack.callback(janitor.finish)
        return str(root / "conversations.db")
    global _postgres_url
    if _postgres_url is None:  # one server (or one database on the user's) for every store of this worker: Agno's
        from agnobench.adapters.storage.postgres_server import postgres_database  # tables live in schema "ai",

        _postgres_url = _stack.enter_context(postgres_database())  # LangGraph's checkpoint tables in "public"
    return _postgres_url


def _agno_agent(state: Durable) -> Any:
    from agno.agent import Agent

    from agnobench.adapters.agno.mock_model import MockModel

    if state.kind == "sqlite":
        from agno.db.sqlite import SqliteDb

        db: Any = SqliteDb(db_file=state.location)
    else:
        from agno.db.postgres import PostgresDb

        db = PostgresDb(db_url=state.location)
    state.handles.append(db.db_engine)
    return Agent(model=MockModel(), db=db, add_history_to_context=True, num_history_runs=DURABLE_TURNS)


def _durable(kind: str, open_agent: Callable[[Durable], Any]) -> Durable:
    state = Durable(kind, _location(kind), open_agent)
    state.ready()
    return state


def agno_durable_sqlite() -> Durable:
    """Agno's SqliteDb on a file: every conversation a new session in the same database."""
    return _durable("sqlite", _agno_agent)


def agno_durable_postgres() -> Durable:
    return _durable("postgres", _agno_agent)


def agno_durable_conversation(state: Durable) -> Any:
    """25 checked turns of a new conversation, saved to the store turn by turn."""
    from agnobench.adapters.storage.conversation import checked_turn

    agent = state.ready()
    session = f"conversation-{os.getpid()}-{next(state.conversations)}"
    output = None
    for turn in range(DURABLE_TURNS):
        output = checked_turn(agent, session, turn)
    return output


@dataclass
class GraphAgent:
    graph: Any
    model: Any


def _langgraph_agent(state: Durable) -> GraphAgent:
    from langchain.agents import create_agent

    from agnobench.adapters.langgraph.mock_model import EchoChatModel

    if state.kind == "sqlite":
        import sqlite3

        from langgraph.checkpoint.sqlite import SqliteSaver

        lite = sqlite3.connect(state.location, check_same_thread=False)
        saver: Any = SqliteSaver(lite)
        state.handles.append(lite)
    else:
        import psycopg
        from psycopg.rows import dict_row
        from langgraph.checkpoint.postgres import PostgresSaver

        from agnobench.adapters.storage.postgres_server import libpq_url

        conn = psycopg.connect(libpq_url(state.location), autocommit=True, prepare_threshold=0, row_factory=dict_row)
        saver = PostgresSaver(conn)
        state.handles.append(conn)
    saver.setup()
    model = EchoChatModel()
    return GraphAgent(create_agent(model, tools=[], checkpointer=saver), model)


def langgraph_durable_sqlite() -> Durable:
    """LangGraph's SqliteSaver (langgraph-checkpoint-sqlite) on a file: a new thread per conversation."""
    return _durable("sqlite", _langgraph_agent)


def langgraph_durable_postgres() -> Durable:
    return _durable("postgres", _langgraph_agent)


def langgraph_durable_conversation(state: Durable) -> Any:
    """The same 25 checked turns through LangGraph, checkpointed after every step."""
    from agnobench.adapters.contract import expect_turn, turn_prompt
    from agnobench.adapters.langgraph.mock_model import _text
    from agnobench.adapters.langgraph.ops import NAME

    agent: GraphAgent = state.ready()
    config = {"configurable": {"thread_id": f"conversation-{os.getpid()}-{next(state.conversations)}"}}
    messages: list[Any] = []
    for turn in range(DURABLE_TURNS):
        messages = agent.graph.invoke({"messages": [{"role": "user", "content": turn_prompt(turn)}]}, config)["messages"]
        expect_turn(NAME, _text(messages[-1]), agent.model.log, turn)
    return messages


# ---- the two side by side (the variants pass: calls interleaved, paired round by round) ----------------

def _op(state: Durable, conversation: Callable[[Durable], Any]) -> Callable[[], Any]:
    return lambda: conversation(state)


def agno_sqlite_conversation() -> Callable[[], Any]:
    """A variant: Agno's 25-turn conversation on its SqliteDb (a factory returning the op)."""
    return _op(agno_durable_sqlite(), agno_durable_conversation)


def langgraph_sqlite_conversation() -> Callable[[], Any]:
    return _op(langgraph_durable_sqlite(), langgraph_durable_conversation)


def agno_postgres_conversation() -> Callable[[], Any]:
    return _op(agno_durable_postgres(), agno_durable_conversation)


def langgraph_postgres_conversation() -> Callable[[], Any]:
    return _op(langgraph_durable_postgres(), langgraph_durable_conversation)
