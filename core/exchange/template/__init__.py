"""The Commission's communication template for installations (v2.1.1): export a scenario into it, import any
filled template back into `cbam-scenario/1`.

    export_template(scenario_dict) -> bytes;  import_template(path | bytes) -> scenario_dict
"""
from __future__ import annotations

from core.exchange.template.package import TEMPLATE_PATH, TEMPLATE_SHA256, template_bytes
from core.exchange.template.reader import import_template
from core.exchange.template.writer import check_capacity, export_template

__all__ = ["TEMPLATE_PATH", "TEMPLATE_SHA256", "check_capacity", "export_template", "import_template", "template_bytes"]
