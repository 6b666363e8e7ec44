"""The AI helper (issue 16): answers about the organization's own CBAM data and the rules, in Chinese or English,
grounded in read-only tools over the services; offline by default, an OpenAI-compatible service when an owner
switched it on. Never imports Streamlit."""
from core.assistant.offline import VERIFIED, language_of
from core.assistant.service import (
    Answer,
    ask,
    consented_to_transfer,
    interactions_of,
    provider_enabled,
    set_provider_enabled,
    set_transfer_consent,
)

__all__ = ["VERIFIED", "Answer", "ask", "consented_to_transfer", "interactions_of", "language_of",
           "provider_enabled", "set_provider_enabled", "set_transfer_consent"]
