"""Background work that may be scheduled on several machines at once (issue 18)."""
