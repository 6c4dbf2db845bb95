"""smolagents adapter: a ``ToolCallingAgent`` on an offline subclass of smolagents' ``Model``.

smolagents has no test model; a ``Model`` subclass answers with tool calls in
its ``ChatMessage`` format. A ToolCallingAgent ends a run by calling its
``final_answer`` tool, so the mock's reply is a ``final_answer`` call carrying
the shared reply text: one model call for a plain run, two with a tool call.
"""
