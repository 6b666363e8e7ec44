"""The privacy registers (issue 15): processors and third parties (`processors`), the cross-border transfer
register (`transfers`) and the records of processing (`records`). Texts in this package's messages.json."""
