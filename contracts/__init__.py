"""The language every layer shares: what crosses Temporal (workflow and activity inputs and outputs, update,
signal and query payloads, approval requests and decisions), the id of every workflow type, the names Temporal
knows the workflows and their messages by, and the search-attribute keys.

A leaf: pydantic and the standard library only (and `temporalio.common` for the typed search-attribute keys),
never another package of ours, so workflows, activities, the API and the CLI can all depend on it.
"""
