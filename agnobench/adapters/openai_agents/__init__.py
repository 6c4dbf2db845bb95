"""OpenAI Agents SDK adapter: ``agents.Agent`` run by ``Runner.run_sync`` on an offline ``Model``.

The SDK ships no test model; a small subclass of its ``agents.Model`` base
answers in the Responses format the SDK's own models return, so the SDK's
run loop, tool dispatch and item handling run for real. Tracing is off in
the worker (``OPENAI_AGENTS_DISABLE_TRACING``): its exporter would post
spans to the OpenAI API.
"""
