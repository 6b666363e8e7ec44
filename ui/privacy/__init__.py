"""The privacy center's parts: each module renders one tab of the DPO's page (or a person's own view)."""
