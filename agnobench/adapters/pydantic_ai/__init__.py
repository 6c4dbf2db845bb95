"""PydanticAI adapter: ``pydantic_ai.Agent`` on its own ``FunctionModel`` test model, offline.

``TestModel`` calls every tool with made-up arguments and answers with a fixed
text; ``FunctionModel`` (also PydanticAI's testing model) hands a function the
real message list, which answers by agnobench's shared rule.
"""
