"""Operations of the real-world suite: the document's scenarios, measured.

Batch creation and the scaling curve reuse the creation suite's op under the
batch pass. Here: a Team of 100 member agents (built, and run once with the
leader delegating to every member through the mock model), a team run
against a single-agent run, an N-step Workflow against calling its steps
directly, and a run behind a simulated LLM latency, split into the model's
wait and the framework's own time. Every op checks its own result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from agno.agent import Agent
from agno.run.base import RunStatus
from agno.team import Team
from agno.workflow import Step, Workflow
from agno.workflow.types import StepInput, StepOutput

from agnobench.adapters.agno.execution import PROMPT, RunCheckError, expect_run, expected_reply, run_tool, tool_agent
from agnobench.adapters.agno.mock_model import REPLY_PREFIX, MockModel

TEAM_SIZE = 100
WORKFLOW_STEPS = 3
DELEGATE = "delegate_task_to_member"


# ---- a team of 100 --------------------------------------------------------

@dataclass
class TeamParts:
    """What a service shares between teams: the members' model and the leader's."""

    member_model: MockModel
    leader_model: MockModel
    size: int = TEAM_SIZE


def member_id(index: int) -> str:
    return f"member-{index}"


def member_task(index: int) -> str:
    return f"task for {member_id(index)}"


def team_parts() -> TeamParts:
    calls = [{"name": DELEGATE, "arguments": {"member_id": member_id(i), "task": member_task(i)}}
             for i in range(TEAM_SIZE)]
    return TeamParts(member_model=MockModel(), leader_model=MockModel(mock_tool_calls=calls))


def build_team(parts: TeamParts) -> Team:
    """One op: 100 member agents and the Team that coordinates them (the document's 'startup')."""
    members: list[Agent | Team] = [Agent(model=parts.member_model, id=member_id(i), name=member_id(i))
                                   for i in range(parts.size)]
    return Team(members=members, model=parts.leader_model, id="team-100", name="team-100")


def check_team(team: Team) -> bool:
    if not isinstance(team.members, list):  # agno also takes a function that returns the members
        raise RunCheckError(f"team members are {team.members!r}, not the list it was built with")
    ids = [m.id for m in team.members]
    if ids != [member_id(i) for i in range(TEAM_SIZE)]:
        raise RunCheckError(f"team has {len(ids)} members, expected {TEAM_SIZE} in order")
    return True


def expect_team_run(output: Any, prompt: str, delegated: list[int]) -> Any:
    """The leader answered ``prompt`` after every delegated member answered its own task."""
    if output.status != RunStatus.completed:
        raise RunCheckError(f"team run did not complete: status={output.status}, content={output.content!r}")
    results = [expected_reply(member_task(i)) for i in delegated]
    expected = expected_reply(prompt, *results)
    if output.content != expected:
        raise RunCheckError(f"team answered {str(output.content)[:200]!r}, expected {expected[:200]!r}...")
    delegations = [t for t in output.tools or [] if t.tool_name == DELEGATE]
    if len(delegations) != len(delegated):
        raise RunCheckError(f"{len(delegations)} delegations ran, expected {len(delegated)}")
    return output


def coordinated_run() -> Callable[[], Any]:
    """A variant factory: the 100-member team's leader delegates one task to every member."""
    parts = team_parts()
    team = build_team(parts)
    everyone = list(range(parts.size))
    return lambda: expect_team_run(team.run(PROMPT), PROMPT, everyone)


# ---- team overhead --------------------------------------------------------

def single_agent_run() -> Callable[[], Any]:
    agent = Agent(model=MockModel())
    return lambda: expect_run(agent.run(PROMPT), PROMPT)


def agent_tool_run() -> Callable[[], Any]:
    """Two model calls and one tool, as a one-member team run has: the fair middle ground."""
    state = tool_agent()
    return lambda: run_tool(state)


def one_member_team_run() -> Callable[[], Any]:
    leader = MockModel(mock_tool_calls=[{"name": DELEGATE,
                                         "arguments": {"member_id": member_id(0), "task": member_task(0)}}])
    team = Team(members=[Agent(model=MockModel(), id=member_id(0), name=member_id(0))], model=leader, id="team-1")
    return lambda: expect_team_run(team.run(PROMPT), PROMPT, [0])


# ---- workflow overhead ----------------------------------------------------

def _nested(prompt: str, steps: int) -> str:
    text = prompt
    for _ in range(steps):
        text = REPLY_PREFIX + text
    return text


def _expect_content(output: Any, expected: str) -> Any:
    status = getattr(output, "status", RunStatus.completed)
    content = getattr(output, "content", output)
    if status != RunStatus.completed or content != expected:
        raise RunCheckError(f"got {content!r} (status {status}), expected {expected!r}")
    return output


def direct_agent_steps() -> Callable[[], Any]:
    """The steps' agents called one after another, each given the previous answer."""
    agents = [Agent(model=MockModel(), name=f"step-{i}") for i in range(WORKFLOW_STEPS)]
    expected = _nested(PROMPT, WORKFLOW_STEPS)

    def op() -> str:
        text = PROMPT
        for agent in agents:
            output = agent.run(text)
            if output.status != RunStatus.completed or not isinstance(output.content, str):
                raise RunCheckError(f"step run did not complete with text: {output.status}, {output.content!r}")
            text = output.content
        return _expect_content(text, expected)

    return op


def workflow_agent_steps() -> Callable[[], Any]:
    """The same agents as the steps of an agno Workflow."""
    agents = [Agent(model=MockModel(), name=f"step-{i}") for i in range(WORKFLOW_STEPS)]
    workflow = Workflow(name="steps", steps=[Step(name=f"step-{i}", agent=a) for i, a in enumerate(agents)])
    expected = _nested(PROMPT, WORKFLOW_STEPS)
    return lambda: _expect_content(workflow.run(PROMPT), expected)


def _step_function(index: int) -> Callable[[str], str]:
    def step(text: str) -> str:
        return f"{text} > step {index}"

    return step


def _function_expected() -> str:
    return PROMPT + "".join(f" > step {i}" for i in range(WORKFLOW_STEPS))


def direct_function_steps() -> Callable[[], Any]:
    """Plain functions called in turn: the floor under any workflow engine."""
    functions = [_step_function(i) for i in range(WORKFLOW_STEPS)]
    expected = _function_expected()

    def op() -> str:
        text = PROMPT
        for function in functions:
            text = function(text)
        return _expect_content(text, expected)

    return op


def workflow_function_steps() -> Callable[[], Any]:
    """The same functions as Workflow steps: the workflow machinery's own cost per step."""
    def executor(function: Callable[[str], str]) -> Callable[[StepInput], StepOutput]:
        def run(step_input: StepInput) -> StepOutput:
            previous = step_input.previous_step_content
            text = previous if previous is not None else step_input.input
            if not isinstance(text, str):  # agno's step input may be any message type; these steps take text
                raise RunCheckError(f"a step was given {text!r}, not text")
            return StepOutput(content=function(text))

        return run

    workflow = Workflow(name="functions", steps=[Step(name=f"step-{i}", executor=executor(_step_function(i)))
                                                 for i in range(WORKFLOW_STEPS)])
    expected = _function_expected()
    return lambda: _expect_content(workflow.run(PROMPT), expected)


# ---- LLM latency in context -----------------------------------------------

@dataclass
class TimedRun:
    """A run and the part of it spent waiting on the (simulated) LLM.

    The latency pass reads ``model_ns`` and reports the rest as the
    framework's own time: sleep overshoot counts as the model's, not agno's.
    """

    output: Any
    model_ns: int


@dataclass
class LatencyState:
    agent: Agent
    model: MockModel


def _latency_agent(seconds: float) -> LatencyState:
    model = MockModel(mock_latency_s=seconds)
    return LatencyState(Agent(model=model), model)


def llm_100ms() -> LatencyState:
    return _latency_agent(0.1)


def llm_1s() -> LatencyState:
    return _latency_agent(1.0)


def timed_run(state: LatencyState) -> TimedRun:
    before = state.model.mock_slept_ns
    output = expect_run(state.agent.run(PROMPT), PROMPT)
    return TimedRun(output=output, model_ns=state.model.mock_slept_ns - before)


def check_timed_run(result: TimedRun) -> bool:
    expect_run(result.output, PROMPT)
    if result.model_ns <= 0:
        raise RunCheckError("the model did not wait: no simulated latency was applied")
    return True
