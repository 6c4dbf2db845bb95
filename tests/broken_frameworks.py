"""Broken adapters: a tool that fails, a conversation that forgets. Each must fail its scenario.

Copied beside the scenario files a test writes, so worker processes import it
as a user's own module. The ops are the real adapters' ops with the same
checks; only the tool or the history mechanism is broken.
"""

from __future__ import annotations

from typing import Any

from agnobench.adapters.contract import TURNS, expect_turn, turn_prompt


def broken_add_numbers(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: The first integer.
        b: The second integer.
    """
    raise RuntimeError("broken tool")


# ---- agno: its tool error goes back to the model; without history each turn stands alone

def agno_tool_agent() -> Any:
    from agno.agent import Agent

    from agnobench.adapters.agno import frameworks as ops
    from agnobench.adapters.agno.mock_model import MockModel

    model = MockModel(mock_tool_name="add_numbers", mock_tool_arguments={"a": 2, "b": 3})
    broken_add_numbers.__name__ = "add_numbers"
    return ops.State(Agent(model=model, tools=[broken_add_numbers]))


def agno_run_tool(state: Any) -> Any:
    from agnobench.adapters.agno import frameworks as ops

    return ops.run_tool(state)


def agno_conversation_agent() -> Any:
    from agno.agent import Agent

    from agnobench.adapters.agno import frameworks as ops
    from agnobench.adapters.agno.mock_model import MockModel

    return ops.State(Agent(model=MockModel()))  # no db, no history in context


def agno_conversation(state: Any) -> Any:
    from agnobench.adapters.agno import frameworks as ops

    return ops.conversation(state)


# ---- LangGraph: the ToolNode reports the error as a ToolMessage; no checkpointer, no history

def langgraph_tool_agent() -> Any:
    from langchain.agents import create_agent
    from langchain_core.tools import StructuredTool

    from agnobench.adapters.langgraph import ops
    from agnobench.adapters.langgraph.mock_model import EchoChatModel

    model = EchoChatModel()
    tool = StructuredTool.from_function(broken_add_numbers, name="add_numbers")
    return ops.State(create_agent(model, tools=[tool]), model)


def langgraph_run_tool(state: Any) -> Any:
    from agnobench.adapters.langgraph import ops

    return ops.run_tool(state)


def langgraph_conversation_agent() -> Any:
    from langchain.agents import create_agent

    from agnobench.adapters.langgraph import ops
    from agnobench.adapters.langgraph.mock_model import EchoChatModel

    model = EchoChatModel()
    return ops.State(create_agent(model, tools=[]), model)  # no checkpointer


def langgraph_conversation(state: Any) -> Any:
    from agnobench.adapters.langgraph import ops

    return ops.conversation(state)


# ---- the others: the adapter's own setup; the tool is swapped, or the history is not passed on

def _swap_tool(module: str, wrap: Any) -> Any:
    import importlib

    ops = importlib.import_module(module)
    state = ops.tool_agent()
    tool = wrap(broken_add_numbers)
    state.agent.tools = [tool]
    return state


def pydantic_ai_tool_agent() -> Any:
    from pydantic_ai import Agent

    from agnobench.adapters.contract import ModelLog
    from agnobench.adapters.pydantic_ai import ops

    log = ModelLog()
    broken_add_numbers.__name__ = "add_numbers"
    return ops.State(Agent(ops.echo_model(log), tools=[broken_add_numbers]), log)


def pydantic_ai_run_tool(state: Any) -> Any:
    from agnobench.adapters.pydantic_ai import ops

    return ops.run_tool(state)


def pydantic_ai_conversation_agent() -> Any:
    from agnobench.adapters.pydantic_ai import ops

    return ops.conversation_agent()


def pydantic_ai_conversation(state: Any) -> Any:
    for turn in range(TURNS):  # message_history never passed
        expect_turn("PydanticAI", state.agent.run_sync(turn_prompt(turn)).output, state.log, turn)


def crewai_tool_agent() -> Any:
    from crewai.tools import tool

    return _swap_tool("agnobench.adapters.crewai.ops", lambda fn: tool("add_numbers")(fn))


def crewai_run_tool(state: Any) -> Any:
    from agnobench.adapters.crewai import ops

    return ops.run_tool(state)


def crewai_conversation_agent() -> Any:
    from agnobench.adapters.crewai import ops

    return ops.conversation_agent()


def crewai_conversation(state: Any) -> Any:
    for turn in range(TURNS):  # each kickoff alone
        expect_turn("CrewAI", state.agent.kickoff(turn_prompt(turn)).raw, state.log, turn)


def openai_agents_tool_agent() -> Any:
    from agents import function_tool

    return _swap_tool("agnobench.adapters.openai_agents.ops",
                      lambda fn: function_tool(fn, name_override="add_numbers"))


def openai_agents_run_tool(state: Any) -> Any:
    from agnobench.adapters.openai_agents import ops

    return ops.run_tool(state)


def openai_agents_conversation_agent() -> Any:
    from agnobench.adapters.openai_agents import ops

    return ops.conversation_agent()


def openai_agents_conversation(state: Any) -> Any:
    from agents import Runner

    for turn in range(TURNS):  # to_input_list never carried over
        expect_turn("OpenAI Agents SDK", Runner.run_sync(state.agent, turn_prompt(turn)).final_output, state.log, turn)


def smolagents_tool_agent() -> Any:
    from smolagents import ToolCallingAgent, tool

    from agnobench.adapters.contract import ModelLog
    from agnobench.adapters.smolagents import ops
    from agnobench.adapters.smolagents.mock_model import EchoModel

    log = ModelLog()
    broken_add_numbers.__name__ = "add_numbers"
    agent = ToolCallingAgent(tools=[tool(broken_add_numbers)], model=EchoModel(log), verbosity_level=ops.QUIET,
                             max_steps=2)
    return ops.State(agent, log)


def smolagents_run_tool(state: Any) -> Any:
    from agnobench.adapters.smolagents import ops

    return ops.run_tool(state)


def smolagents_conversation_agent() -> Any:
    from agnobench.adapters.smolagents import ops

    return ops.conversation_agent()


def smolagents_conversation(state: Any) -> Any:
    for turn in range(TURNS):  # reset=True every turn: memory wiped
        expect_turn("smolagents", state.agent.run(turn_prompt(turn)), state.log, turn)
