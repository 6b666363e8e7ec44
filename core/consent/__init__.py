"""Consent and policy versions (issue 15): the consent ledger, the cookie inventory, and policy versions with
their notice periods."""
