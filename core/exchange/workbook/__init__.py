"""The bilingual data-entry workbook: download a period's data as .xlsx, fill it offline, upload it back; and a
supplier's filled communication template as a purchased precursor.

    export_workbook(ctx, period_id=...) -> bytes
    import_workbook(ctx, period_id, data, valid_rows_only=False, check_only=False, progress=None) -> ImportResult
    import_supplier_template(ctx, period_id, data, process=None, code=None, cn_code=None) -> PurchasedPrecursor
"""
from __future__ import annotations

from core.exchange.workbook.importer import ImportResult, import_workbook
from core.exchange.workbook.layout import BY_KEY, FORMAT, SHEETS, filename
from core.exchange.workbook.reader import Problem
from core.exchange.workbook.supplier import SupplierProduct, import_supplier_template, supplier_products
from core.exchange.workbook.writer import export_workbook

__all__ = ["BY_KEY", "FORMAT", "SHEETS", "ImportResult", "Problem", "SupplierProduct", "export_workbook",
           "filename", "import_supplier_template", "import_workbook", "supplier_products"]
