"""The rule modules: each declares its rules (`RULES`) and the checks that report them (`CHECKS`); `rules.py` lists
them, `engine.py` runs them. Shared reading helpers: `context.py` (what a check may read) and `request_queries.py`
(members under both spellings, findings at keys, severities from the evidence)."""
