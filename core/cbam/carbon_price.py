"""Carbon price paid in the country of production: the deduction of Art. 9 Reg. (EU) 2023/956 (as replaced by
Reg. (EU) 2025/2083), as a separate step after the certificates of each import line are known.

Scenario field `carbon_prices` (additive to `cbam-scenario/1`; absent means none): one entry per production
process, in the units of the Commission template's Summary_Products carbon-price block (columns AL–AZ):

    {"process": "P1", "instrument": "China national ETS (全国碳排放权交易市场)", "country": "CN",
     "type": "National ETS",                 # template list CONST_CarbonPriceType
     "covered_emissions": 1.2,               # tCO2e per tonne of good the carbon price covers
     "price_per_tco2": 97.5,                 # carbon price due per tCO2e, local currency
     "currency": "CNY",                      # ISO 4217
     "rebate_type": "Free allocation",       # template list CONST_RebateType
     "rebated_emissions": 1.0,               # tCO2e per tonne of good covered by free allocation / a baseline
     "compensation_per_t": 0.0,              # other rebates or compensation, local currency per tonne of good
     "rate_per_eur": 7.9,                    # units of local currency per EUR (ECB reference-rate convention)
     "rate_date": "2025-12-31", "rate_source": "ECB yearly average 2025"}

Per tonne of good (draft implementing act under Art. 9(5), Ares(2026)4841230, as quoted in the domain reference
§3.4: EFF_CP = (EM − Rebated_EM) × (CP − refunds); Reduction = €EFF_CP / RefPrice_CBAM × Q):

    covered   = min(covered_emissions, CBAM basis)          the price cannot cover more than is declared
    rebated   = min(rebated_emissions, covered)
    effective = max(0, (covered − rebated) × price_per_tco2 − compensation_per_t)      local currency / t
    EUR/t     = effective / rate_per_eur                     conversion at the yearly average rate (§3.4)
    deduction = min(certificates, EUR/t × quantity / certificate price)               Art. 9(1): no negative

Only lines on actual emissions get a deduction: with default values only the Commission's default carbon prices
may be used (Art. 9(4) as replaced; none published, domain reference §3.4), so a default line gets zero and a
flag. No entry: zero. The certificate price of the line stands in for RefPrice_CBAM (the draft's yearly average
of the import year is not published per year by the reference data; UNVERIFIED simplification).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.cbam.errors import ScenarioError
from core.cbam.explain import Term, fmt
from core.cbam.validate import choice, lst, num, obj, text

SRC_ART9 = "Reg. (EU) 2023/956 Art. 9(1) as replaced by Reg. (EU) 2025/2083; draft IR Ares(2026)4841230 (domain ref §3.4)"
SRC_RATE = "Draft IR under Art. 9(5): yearly average exchange rate (ECB) (domain ref §3.4)"
# Code lists of the communication template v2.1.1, Parameters_Constants (domain reference §5).
PRICE_TYPES = ("None", "Carbon Tax", "Carbon Levy", "Carbon Fee", "National ETS", "Regional ETS", "Combination", "Other")
REBATE_TYPES = ("None", "Free allocation", "Financial compensation", "Tax deduction", "Combination", "Other")
CURRENCY = re.compile(r"[A-Z]{3}")  # ISO 4217 alphabetic code


@dataclass(frozen=True, slots=True)
class CarbonPrice:
    process: str
    instrument: str
    country: str
    type: str
    covered_emissions: float
    price_per_tco2: float
    currency: str
    rebate_type: str
    rebated_emissions: float
    compensation_per_t: float
    rate_per_eur: float
    rate_date: str
    rate_source: str

    def effective_local_per_t(self, basis: float | None = None) -> float:
        """Effective carbon price per tonne of good, local currency, after free allocation and rebates."""
        covered = self.covered_emissions if basis is None else min(self.covered_emissions, basis)
        rebated = min(self.rebated_emissions, covered)
        return max(0.0, (covered - rebated) * self.price_per_tco2 - self.compensation_per_t)

    def due_local_per_t(self) -> float:
        """Carbon price due per tonne of good before rebates (template Summary_Products AR)."""
        return self.covered_emissions * self.price_per_tco2


def parse_carbon_prices(data: dict[str, Any], process_ids: set[str]) -> tuple[CarbonPrice, ...]:
    out: list[CarbonPrice] = []
    seen: set[str] = set()
    for n, raw in enumerate(lst(data.get("carbon_prices") or [], "carbon_prices")):
        path = f"carbon_prices[{n}]"
        d = obj(raw, path)
        proc = text(d, "process", path)
        if proc not in process_ids:
            raise ScenarioError("cbam.error.unknown_process", f"{path}.process", ref=proc)
        if proc in seen:
            raise ScenarioError("cbam.error.duplicate_id", f"{path}.process", id=proc)
        seen.add(proc)
        currency = text(d, "currency", path)
        if not CURRENCY.fullmatch(currency):
            raise ScenarioError("cbam.error.invalid_choice", f"{path}.currency", value=currency, allowed="ISO 4217")
        out.append(CarbonPrice(
            process=proc, instrument=text(d, "instrument", path), country=text(d, "country", path, default=""),
            type=choice(d, "type", path, PRICE_TYPES), covered_emissions=num(d, "covered_emissions", path, nonneg=True),
            price_per_tco2=num(d, "price_per_tco2", path, nonneg=True), currency=currency,
            rebate_type=choice(d, "rebate_type", path, REBATE_TYPES, default="None"),
            rebated_emissions=num(d, "rebated_emissions", path, default=0.0, nonneg=True),
            compensation_per_t=num(d, "compensation_per_t", path, default=0.0, nonneg=True),
            rate_per_eur=num(d, "rate_per_eur", path, positive=True),
            rate_date=text(d, "rate_date", path, default=""), rate_source=text(d, "rate_source", path, default=""),
        ))
    return tuple(out)


@dataclass(slots=True)
class Deduction:
    """The Art. 9 deduction of one import line."""

    certificates_before: float | None
    certificates: float | None        # the deduction, in certificates (None: not computable)
    eur: float | None                 # the deduction in EUR at the line's certificate price
    eur_per_t: float = 0.0            # effective carbon price per tonne of good, EUR
    instrument: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"certificates_before": self.certificates_before, "certificates": self.certificates, "eur": self.eur,
                "eur_per_t": self.eur_per_t, "instrument": self.instrument}


def apply_carbon_prices(prices: tuple[CarbonPrice, ...], lines: list[Any], processes: list[str | None]) -> None:
    """Reduce each line's certificates and cost by the carbon price paid for its process (zero by default).
    `processes[n]` is the process of line n (None for a default-value line)."""
    by_process = {cp.process: cp for cp in prices}
    for r, pid in zip(lines, processes, strict=True):
        before = r.certificates
        cp = by_process.get(pid) if pid is not None else None
        r.carbon_price = Deduction(before, 0.0 if before is not None else None,
                                   0.0 if r.cost_eur is not None else None)
        if cp is None or before is None:
            continue
        if r.basis != "actual":
            continue
        r.carbon_price.instrument = cp.instrument
        if cp.covered_emissions > r.see_basis:
            r.flags.append("cbam.flag.carbon_price_covered_capped")
        local = cp.effective_local_per_t(r.see_basis)
        eur_per_t = local / cp.rate_per_eur
        r.carbon_price.eur_per_t = eur_per_t
        r.terms.append(Term("cbam.term.carbon_price_effective", local, f"{cp.currency}/t",
                            f"max(0, (min({fmt(cp.covered_emissions)}, {fmt(r.see_basis)}) − "
                            f"{fmt(min(cp.rebated_emissions, cp.covered_emissions, r.see_basis))}) × "
                            f"{fmt(cp.price_per_tco2)} − {fmt(cp.compensation_per_t)}) [{cp.instrument}]", SRC_ART9))
        r.terms.append(Term("cbam.term.carbon_price_eur", eur_per_t, "EUR/t",
                            f"{fmt(local)} / {fmt(cp.rate_per_eur)} {cp.currency}/EUR ({cp.rate_date} {cp.rate_source})".rstrip(),
                            SRC_RATE))
        if r.price_eur is None:
            r.carbon_price.certificates = None
            r.flags.append("cbam.flag.carbon_price_no_certificate_price")
            continue
        deduct = min(before, eur_per_t * r.quantity / float(r.price_eur))
        r.certificates = before - deduct
        r.cost_eur = Decimal(repr(r.certificates)) * r.price_eur
        r.carbon_price.certificates = deduct
        r.carbon_price.eur = deduct * float(r.price_eur)
        r.terms.append(Term("cbam.term.carbon_price_deduction", deduct, "certificates",
                            f"min({fmt(before)}, {fmt(eur_per_t)} × {fmt(r.quantity)} t / EUR {r.price_eur})", SRC_ART9))
        r.terms.append(Term("cbam.term.certificates_after_deduction", r.certificates, "certificates",
                            f"{fmt(before)} − {fmt(deduct)}", SRC_ART9))


def deduction_fields(r: Any) -> dict[str, Any]:
    """The evaluation output's fields of one line: certificates before the deduction and the deduction itself
    (`certificates` and `cost_eur` of the line are after it)."""
    d: Deduction | None = r.carbon_price
    if d is None:
        return {"certificates_before_deduction": r.certificates, "carbon_price_deduction": None}
    return {"certificates_before_deduction": d.certificates_before, "carbon_price_deduction": d.to_dict()}


def carbon_price_totals(lines: list[Any]) -> dict[str, Any]:
    """Certificates before and after the deduction and the deduction in certificates and EUR, over all lines
    (None when any line's figure is unknown: never a smaller number)."""
    deds = [r.carbon_price for r in lines if r.carbon_price is not None]

    def total(values: list[float | None]) -> float | None:
        return None if any(v is None for v in values) else float(sum(values))  # type: ignore[arg-type]

    return {"certificates_before": total([d.certificates_before for d in deds]),
            "deduction_certificates": total([d.certificates for d in deds]),
            "deduction_eur": total([d.eur for d in deds]),
            "certificates_after": total([r.certificates for r in lines])}
