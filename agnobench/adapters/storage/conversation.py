"""One agno conversation on a store, turn by turn, with the frameworks suite's checks on every turn.

The agent keeps the *whole* conversation in context (``num_history_runs`` at
least the number of turns; agno's default keeps 3), on the mock model every
scenario uses; each turn's reply is checked exactly as the frameworks suite
checks its 5-turn conversation: the run completed, and the model was handed
every earlier turn's prompt (:func:`~agnobench.adapters.contract.expect_turn`).

agno does not always raise when its store fails: it may log the error and go
on. :class:`AgnoErrors` listens to agno's loggers while a turn runs, so a
store error fails the turn instead of passing unseen.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator

from agnobench.adapters.contract import expect_turn, turn_prompt
from agnobench.adapters.storage.stores import StoreError

LOGGERS = ("agno", "agno-team", "agno-workflow")


class AgnoErrors(logging.Handler):
    """Error records from agno's loggers, kept until taken."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())

    def take(self) -> list[str]:
        found, self.records = self.records, []
        return found


@contextmanager
def agno_errors() -> Iterator[AgnoErrors]:
    handler = AgnoErrors()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def conversation_agent(db: Any, turns: int) -> Any:
    from agno.agent import Agent

    from agnobench.adapters.agno.mock_model import MockModel

    return Agent(model=MockModel(), db=db, add_history_to_context=True, num_history_runs=max(turns, 1) + 1)


def checked_turn(agent: Any, session_id: str, turn: int, errors: AgnoErrors | None = None) -> Any:
    """Turn ``turn`` (0-based) of the conversation ``session_id``: run, checked, store errors raised."""
    try:
        output = agent.run(turn_prompt(turn), session_id=session_id)
    except Exception as exc:  # agno let the store's error through: name the turn it broke
        raise StoreError(f"turn {turn + 1}: {first_line(exc)}") from exc
    return _checked(output, turn, errors)


async def achecked_turn(agent: Any, session_id: str, turn: int, errors: AgnoErrors | None = None) -> Any:
    """The same through ``Agent.arun``."""
    try:
        output = await agent.arun(turn_prompt(turn), session_id=session_id)
    except Exception as exc:
        raise StoreError(f"turn {turn + 1}: {first_line(exc)}") from exc
    return _checked(output, turn, errors)


def first_line(exc: BaseException) -> str:
    lines = f"{type(exc).__name__}: {exc}".strip().splitlines()
    return lines[0][:300] if lines else type(exc).__name__


def _checked(output: Any, turn: int, errors: AgnoErrors | None) -> Any:
    from agnobench.adapters.agno.frameworks import NAME, _completed, _log

    logged = errors.take() if errors is not None else []
    if logged:
        raise StoreError(f"turn {turn + 1}: agno logged: {logged[0]}")
    _completed(output)
    expect_turn(NAME, output.content, _log(output), turn)
    return output
