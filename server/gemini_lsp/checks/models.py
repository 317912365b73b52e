"""Model-aware and cross-field rules (GL3xx), one small module per family. `checks/__init__.py` runs CHECKS after
the schema walk."""

from __future__ import annotations

from . import (
    caching,
    conversation,
    embeddings,
    generation,
    model_rules,
    safety,
    structured_output,
    thinking,
    tools,
)

CHECKS = [
    model_rules.check_model,
    thinking.check_thinking,
    generation.check_generation,
    structured_output.check_structured_output,
    tools.check_tools,
    conversation.check_conversation,
    caching.check_caching,
    embeddings.check_embeddings,
    safety.check_safety,
]
