"""An agent run with knowledge search against the same run without it: what retrieval adds per run.

Three agents answer the same prompt with the offline mock model, interleaved
call by call in one process (so a slow moment of the machine hits all alike):

- ``agent-run``: no tools, one model call — a run with nothing to look up;
- ``agent-tool-run``: the model calls a plain tool that hands back the right
  document from a dict, then answers with it — the same two model calls and
  the same answer shape as a knowledge run, without retrieval;
- ``agent-knowledge-run``: the model calls agno's own ``search_knowledge_base``
  tool (``Agent(knowledge=Knowledge(vector_db=...), search_knowledge=True)``),
  which embeds the query and searches the store; the answer cites the
  retrieved document.

The retrieval overhead per run is the knowledge run minus the tool run. Each
call asks about another document of the corpus and checks that the answer
cites it, so a store that retrieves the wrong document fails the scenario.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass
from typing import Any, Callable

from agnobench.adapters.knowledge.corpus import Corpus
from agnobench.adapters.knowledge.embedder import HashEmbedder
from agnobench.adapters.knowledge.retrieval import TOP_K, RetrievalError, fill
from agnobench.adapters.knowledge.stores import open_store

PROMPT = "What does the record say?"
SEARCH_TOOL = "search_knowledge_base"  # agno's name for the knowledge tool
LOOKUP_TOOL = "lookup_record"
BASELINE, SUBJECT, PLAIN = "agent-tool-run", "agent-knowledge-run", "agent-run"


@dataclass
class RagPlan:
    kind: str
    corpus_size: int
    calls: int
    warmups: int


def _expect(output: Any, wanted: str, tool: str | None) -> Any:
    from agno.run.base import RunStatus

    if output.status != RunStatus.completed:
        raise RetrievalError(f"run did not complete: status={output.status}, content={str(output.content)[:200]!r}")
    if tool is not None:
        ran = [t.tool_name for t in output.tools or []]
        if ran != [tool]:
            raise RetrievalError(f"expected one {tool} call, the run executed {ran}")
        if wanted not in str(output.content):
            raise RetrievalError(f"the answer does not cite {wanted}: {str(output.content)[:300]!r}")
    return output


def build_ops(vector_db: Any, corpus: Corpus) -> dict[str, Callable[[], Any]]:
    """The three runs as zero-argument ops; each checks its own answer."""
    from agno.agent import Agent
    from agno.knowledge.knowledge import Knowledge

    from agnobench.adapters.agno.mock_model import MockModel

    # a JSON list of document dicts, as agno's knowledge tool returns it
    records = {corpus.query(i): json.dumps([{"name": corpus.name(i), "content": corpus.document(i).content}], indent=2)
               for i in range(corpus.size)}

    def lookup_record(query: str) -> str:
        """Look up the record a question is about."""
        return records[query]

    knowledge = Knowledge(vector_db=vector_db, max_results=TOP_K)
    search_model = MockModel(mock_tool_name=SEARCH_TOOL)
    lookup_model = MockModel(mock_tool_name=LOOKUP_TOOL)
    knowledge_agent = Agent(model=search_model, knowledge=knowledge, search_knowledge=True, telemetry=False)
    tool_agent = Agent(model=lookup_model, tools=[lookup_record], telemetry=False)
    plain_agent = Agent(model=MockModel(), telemetry=False)
    targets = itertools.cycle(corpus.probes(min(corpus.size, 97)))

    def asking(model: Any, agent: Any, tool: str) -> Callable[[], Any]:
        def op() -> Any:
            index = next(targets)
            model.mock_tool_arguments = {"query": corpus.query(index)}
            return _expect(agent.run(PROMPT), corpus.name(index), tool)
        return op

    return {PLAIN: lambda: _expect(plain_agent.run(PROMPT), "", None),
            BASELINE: asking(lookup_model, tool_agent, LOOKUP_TOOL),
            SUBJECT: asking(search_model, knowledge_agent, SEARCH_TOOL)}


def rag_child(plan: RagPlan) -> dict[str, Any]:
    """One round: a fresh store of the corpus, the three runs interleaved; JSON-able, for ``run_forked``."""
    from agnobench.passes.variants.engine import interleaved_round

    corpus = Corpus(plan.corpus_size)
    with open_store(plan.kind, HashEmbedder()) as store:
        fill(store.vector_db, corpus)
        timed = interleaved_round(build_ops(store.vector_db, corpus), plan.calls, plan.warmups)
    return {"plan": asdict(plan), "times": timed["times"], "collections": timed["collections"]}
