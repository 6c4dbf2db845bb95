"""Operations of the execution suite: one call runs an agent once, offline.

Every operation checks its own result before returning it, so a broken path
(an error status, a reply to some other input, a tool that never ran, a
stream cut short) raises :class:`RunCheckError` and fails the scenario instead
of being timed as a fast run. The checks are string comparisons on a run that
costs hundreds of microseconds: they do not move the figures.

Setup functions build the agent (and its model, tools, database) once, as the
Go benchmarks do outside their loop, so each op measures the run itself.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Any, Iterator

from agno.agent import Agent
from agno.db.in_memory import InMemoryDb
from agno.memory.manager import MemoryManager, UserMemory
from agno.run.agent import RunContentEvent, RunOutput
from agno.run.base import RunStatus

from agnobench import tempdirs
from agnobench.adapters.agno.creation import add_numbers
from agnobench.adapters.agno.mock_model import REPLY_PREFIX, MockModel

PROMPT = "What is the weather like?"
TOOL_ARGUMENTS = {"a": 2, "b": 3}
TOOL_RESULT = "5"  # add_numbers(2, 3), as agno hands it back to the model
HISTORY_RUNS = 3  # num_history_runs of the memory scenarios
TURNS_PER_SESSION = 5  # agent-run-memory/-durable start a new session every this many runs
CONVERSATION_TURNS = 25


class RunCheckError(AssertionError):
    """A run did not do what the scenario measures: it must not be timed."""


# ---- checks ---------------------------------------------------------------

def expected_reply(prompt: str, *tool_results: str) -> str:
    """What :class:`MockModel` answers to ``prompt`` after the given tool results."""
    return REPLY_PREFIX + prompt + "".join(f" | tool result: {r}" for r in tool_results)


def expect_run(output: Any, prompt: str, *tool_results: str) -> Any:
    """Raise unless ``output`` is a completed run that answered ``prompt`` itself."""
    status = getattr(output, "status", None)
    if status != RunStatus.completed:
        raise RunCheckError(f"run did not complete: status={status}, content={getattr(output, 'content', None)!r}")
    expected = expected_reply(prompt, *tool_results)
    if output.content != expected:
        raise RunCheckError(f"run answered {output.content!r}, expected {expected!r}")
    return output


def expect_tool_executed(output: RunOutput, name: str, result: str) -> RunOutput:
    """agno really ran the tool: it is in the run's executions with its result."""
    executed = [(t.tool_name, str(t.result)) for t in output.tools or []]
    if (name, result) not in executed:
        raise RunCheckError(f"tool {name} did not run with result {result!r} (executed: {executed})")
    return output


def expect_history(output: RunOutput, turn: int) -> RunOutput:
    """The model saw this session's earlier turns (at most ``HISTORY_RUNS``) and the new one."""
    users = sum(1 for m in output.messages or [] if m.role == "user")
    if users != min(turn, HISTORY_RUNS) + 1:
        raise RunCheckError(f"turn {turn} sent {users} user messages to the model, "
                            f"expected {min(turn, HISTORY_RUNS) + 1} (history not used?)")
    return output


def check_completed_run(output: Any) -> bool:
    """Scenario check: completed, and answered its own input."""
    expect_run(output, output.input.input_content)
    return True


def _text_input(output: RunOutput) -> str:
    """The text the run was given, as agno keeps it on the run (its input may be any message type)."""
    given = output.input.input_content if output.input is not None else None
    if not isinstance(given, str):
        raise RunCheckError(f"the run kept {given!r} as its input, not the prompt's text")
    return given


def check_tool_run(output: RunOutput) -> bool:
    """Scenario check: completed, the tool ran, and the answer carries its result."""
    expect_run(output, _text_input(output), TOOL_RESULT)
    expect_tool_executed(output, "add_numbers", TOOL_RESULT)
    return True


def check_stream_text(text: str) -> bool:
    """Scenario check: the drained stream is the whole reply."""
    if text != expected_reply(PROMPT):
        raise RunCheckError(f"stream gave {text!r}")
    return True


def check_conversation(outputs: list[RunOutput]) -> bool:
    if len(outputs) != CONVERSATION_TURNS:
        raise RunCheckError(f"{len(outputs)} turns, expected {CONVERSATION_TURNS}")
    for turn, output in enumerate(outputs):
        expect_history(expect_run(output, f"turn {turn}"), turn)
    return True


def check_memory_id(memory_id: Any) -> bool:
    if not isinstance(memory_id, str) or not memory_id:
        raise RunCheckError(f"add_user_memory returned {memory_id!r}, not a memory id")
    return True


# ---- plain runs -----------------------------------------------------------

@dataclass
class AgentState:
    agent: Agent


def simple_agent() -> AgentState:
    return AgentState(Agent(model=MockModel()))


def tool_agent() -> AgentState:
    model = MockModel(mock_tool_name="add_numbers", mock_tool_arguments=TOOL_ARGUMENTS)
    return AgentState(Agent(model=model, tools=[add_numbers]))


def run_simple(state: AgentState) -> RunOutput:
    return expect_run(state.agent.run(PROMPT), PROMPT)


def run_tool(state: AgentState) -> RunOutput:
    output = expect_run(state.agent.run(PROMPT), PROMPT, TOOL_RESULT)
    return expect_tool_executed(output, "add_numbers", TOOL_RESULT)


async def arun_simple(state: AgentState) -> RunOutput:
    return expect_run(await state.agent.arun(PROMPT), PROMPT)


def run_stream(state: AgentState) -> str:
    """Drain ``run(stream=True)`` completely; the joined deltas must be the whole reply."""
    parts: list[str] = []
    for event in state.agent.run(PROMPT, stream=True):
        # an error event ends a broken stream; agno types a delta's content as any object
        if not isinstance(event, RunContentEvent) or not isinstance(event.content, str):
            raise RunCheckError(f"stream yielded {type(event).__name__}: {getattr(event, 'content', '')!r}")
        parts.append(event.content)
    text = "".join(parts)
    if text != expected_reply(PROMPT):
        raise RunCheckError(f"stream gave {text!r} in {len(parts)} parts, expected {expected_reply(PROMPT)!r}")
    return text


# ---- history: in memory and on SQLite --------------------------------------

@dataclass
class HistoryState:
    """An agent with chat history; sessions rotate so no op pays for a session
    grown by thousands of earlier timed runs (that would not be stationary)."""

    agent: Agent
    turns_per_session: int = TURNS_PER_SESSION
    counter: Iterator[int] = field(default_factory=itertools.count)


def _history_agent(db: Any) -> Agent:
    return Agent(model=MockModel(), db=db, add_history_to_context=True, num_history_runs=HISTORY_RUNS)


def memory_agent() -> HistoryState:
    return HistoryState(_history_agent(InMemoryDb()))


def _history_turn(state: HistoryState, agent: Agent) -> RunOutput:
    n = next(state.counter)
    session, turn = divmod(n, state.turns_per_session)
    prompt = f"turn {turn}"
    output = agent.run(prompt, session_id=f"session-{session}")
    return expect_history(expect_run(output, prompt), turn)


def run_with_history(state: HistoryState) -> RunOutput:
    return _history_turn(state, state.agent)


@dataclass
class DurableState(HistoryState):
    """SQLite in a temporary directory, one database file per process.

    Measurements run in forked children: a SQLAlchemy engine (and its pooled
    connections) must not cross a fork, so each process opens its own file
    and starts its sessions afresh.
    """

    directory: str = ""
    pid: int = -1


def _remove_directory(directory: str, owner: int) -> None:
    if os.getpid() == owner:  # forked children run exit handlers too: only the creator cleans up
        shutil.rmtree(directory, ignore_errors=True)


def durable_agent() -> DurableState:
    directory = tempfile.mkdtemp(prefix=tempdirs.prefix("sqlite"))
    atexit.register(_remove_directory, directory, os.getpid())
    pid = os.getpid()
    return DurableState(agent=_open_durable(directory, pid), directory=directory, pid=pid)


def _open_durable(directory: str, pid: int) -> Agent:
    """The conversation agent on this process's own database file."""
    from agno.db.sqlite import SqliteDb  # needs sqlalchemy + greenlet (the 'sqlite' extra)

    return _history_agent(SqliteDb(db_file=os.path.join(directory, f"agno-{pid}.db")))


def _reopen(state: DurableState) -> Agent:
    state.pid = os.getpid()
    state.agent = _open_durable(state.directory, state.pid)
    state.counter = itertools.count()  # a new file holds no sessions: start at turn 0 of session 0
    return state.agent


def run_durable(state: DurableState) -> RunOutput:
    agent = state.agent if state.pid == os.getpid() else _reopen(state)
    return _history_turn(state, agent)


# ---- a 25-turn conversation -----------------------------------------------

@dataclass
class ConversationState:
    agent: Agent
    counter: Iterator[int] = field(default_factory=itertools.count)


def conversation_agent() -> ConversationState:
    return ConversationState(_history_agent(InMemoryDb()))


def conversation(state: ConversationState) -> list[RunOutput]:
    """25 turns of one new session: each turn sees up to three earlier ones."""
    session = f"conversation-{next(state.counter)}"
    outputs = []
    for turn in range(CONVERSATION_TURNS):
        prompt = f"turn {turn}"
        output = state.agent.run(prompt, session_id=session)
        outputs.append(expect_history(expect_run(output, prompt), turn))
    return outputs


# ---- memory operations ----------------------------------------------------

@dataclass
class MemoryOpsState:
    """agno's MemoryManager on an InMemoryDb, emptied every ``window`` adds.

    InMemoryDb.upsert_user_memory scans every stored memory for the id, so
    one store filled by a whole timing run would make later adds slower than
    earlier ones; a bounded window keeps the op stationary (0..window held).
    """

    manager: MemoryManager
    db: InMemoryDb
    window: int = 100
    counter: Iterator[int] = field(default_factory=itertools.count)


def memory_manager() -> MemoryOpsState:
    db = InMemoryDb()
    manager = MemoryManager(db=db)
    # A round trip first: what is added must be read back, or nothing is measured.
    memory_id = manager.add_user_memory(UserMemory(memory="prefers short answers", topics=["style"]),
                                        user_id="user-check")
    stored = manager.get_user_memories(user_id="user-check") or []
    if [(m.memory_id, m.memory) for m in stored] != [(memory_id, "prefers short answers")]:
        raise RunCheckError(f"memory round trip failed: added {memory_id}, read back {stored}")
    db.clear_memories()
    return MemoryOpsState(manager=manager, db=db)


def add_memory(state: MemoryOpsState) -> str:
    if next(state.counter) % state.window == 0:
        state.db.clear_memories()
    memory_id = state.manager.add_user_memory(UserMemory(memory="likes concise replies", topics=["style"]),
                                              user_id="user-1")
    if not memory_id:
        raise RunCheckError("add_user_memory returned no id")
    return memory_id
