"""How refusals read: the wording of the concurrent-save refusal and of a form's refused save, in both languages
(`messages.json`, joined to the catalogs). The refusals themselves are DomainError values (core/errors.py)."""
