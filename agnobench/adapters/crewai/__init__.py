"""CrewAI adapter: a CrewAI ``Agent`` run by ``Agent.kickoff`` on an offline ``BaseLLM`` subclass.

CrewAI has no test model; a ``BaseLLM`` subclass that supports native
function calling answers by agnobench's shared rule, so CrewAI's own agent
executor (a Flow), tool dispatch and message handling run for real. Its
telemetry and tracing are off in the worker (``OTEL_SDK_DISABLED``,
``CREWAI_DISABLE_TELEMETRY``, ``CREWAI_DISABLE_TRACKING``, ``CREWAI_TRACING_ENABLED``).
"""
