"""LangGraph adapter: ``langchain.agents.create_agent`` (LangGraph 1.x's agent) on an offline chat model.

The model is a small ``BaseChatModel`` subclass, the same base LangChain's own
fake chat models extend: theirs replay a fixed script, this one answers from
the messages LangGraph hands it, so the reply proves what reached the model.
"""
