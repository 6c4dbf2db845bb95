"""The knowledge passes: what vector search costs as the corpus grows, what inserting costs, what RAG adds.

Three passes share the stores (:mod:`agnobench.adapters.knowledge`) and one
report (:mod:`.report`): ``corpus_growth`` (:mod:`.corpus_growth`, engine
:mod:`.growth`), ``insert_throughput`` (:mod:`.insert_throughput`, engine
:mod:`.throughput`) and ``rag_overhead`` (:mod:`.rag_overhead`, engine
:mod:`.rag`). docs/knowledge.md describes the measurements.
"""

from agnobench.passes.knowledge.corpus_growth import PLUGIN as CORPUS_GROWTH
from agnobench.passes.knowledge.insert_throughput import PLUGIN as INSERT_THROUGHPUT
from agnobench.passes.knowledge.rag_overhead import PLUGIN as RAG_OVERHEAD

PLUGINS = (CORPUS_GROWTH, INSERT_THROUGHPUT, RAG_OVERHEAD)
