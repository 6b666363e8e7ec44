"""Attributed emissions and specific embedded emissions (SEE) per production process.

AttrEm and the SEE recursion follow Impl. Reg. (EU) 2025/2547 Annex III (Eq. 55, Eqs. 59–62) as implemented in
the communication template (domain ref §2.2–2.3); both channels (direct, indirect) are computed separately.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.cbam.errors import CycleError
from core.cbam.explain import Term, fmt
from core.cbam.reference import ReferenceData
from core.cbam.scenario import Process, Scenario
from core.cbam.source_streams import stream_emissions

SRC_ATTR = "Impl. Reg. (EU) 2025/2547 Annex III A.3 Eq. 55"  # as in the template's D_Processes
SRC_SEE = "Impl. Reg. (EU) 2025/2547 Annex III B Eqs. 59–62"
SRC_CROSS = "Impl. Reg. (EU) 2025/2547 Annex I 3.1"  # the cross-sector rule (domain ref §1.1)


@dataclass(slots=True)
class ProcessResult:
    id: str
    goods_category: str
    cn_code: str | None
    activity_level: float
    annex_ii: bool
    direct_emissions: float  # DirEm*
    attributed_direct: float
    attributed_indirect: float
    see_direct: float
    see_indirect: float
    see_indirect_counted: float  # the part of SEE_ind that counts for CBAM (0 for Annex II goods, see cross rule)
    terms: list[Term] = field(default_factory=list)

    @property
    def see_total(self) -> float:
        return self.see_direct + self.see_indirect

    @property
    def cbam_basis(self) -> float:
        """Embedded emissions per tonne that the obligation counts (direct, plus indirect where it counts)."""
        return self.see_direct + self.see_indirect_counted


def annex_ii_rule(ref: ReferenceData, ammonia_indirect_counts: bool | None) -> Callable[[str], bool]:
    """Category → Annex II? The law (ammonia not in Annex II) unless the template's flag is asked for."""
    follow_law = ref.parameters["ammonia_indirect_counts"]["default"] if ammonia_indirect_counts is None else ammonia_indirect_counts

    def is_annex_ii(category: str) -> bool:
        if category == "Ammonia":
            return not follow_law
        return ref.categories[category].annex_ii

    return is_annex_ii


def attribute(p: Process, constants: dict[str, float], path: str) -> tuple[float, float, float, list[Term]]:
    """DirEm*, AttrEm_dir (floored at zero) and AttrEm_ind of one process, with their terms."""
    terms: list[Term] = []
    if p.direct_emissions is None:
        dir_em = 0.0
        for k, s in enumerate(p.source_streams):
            r = stream_emissions(s, f"{path}.source_streams[{k}]", constants)
            dir_em += r.emissions_fossil
            terms.extend(r.terms)
        terms.append(Term("cbam.term.direct_emissions_streams", dir_em, "tCO2e", "Σ source streams", "Communication template v2.1.1, B_EmInst"))
    else:
        dir_em = p.direct_emissions
        terms.append(Term("cbam.term.direct_emissions", dir_em, "tCO2e", "DirEm* (entered)", "scenario"))
    h, w, e = p.heat, p.waste_gas, p.electricity
    ef_ng, wg_exp = constants["ef_natural_gas_t_per_tj"], constants["waste_gas_export_factor"]
    heat_imp, heat_exp = h.imported_tj * h.imported_ef, h.exported_tj * h.exported_ef
    wg_imp, wg_out = w.imported_tj * ef_ng, w.exported_tj * ef_ng * wg_exp
    el_exp = e.exported_mwh * e.exported_ef
    raw = dir_em + heat_imp - heat_exp + wg_imp - wg_out - el_exp
    attr_dir = max(raw, 0.0)  # definitive period: a negative result is set to zero (Eq. 55)
    if heat_imp or heat_exp:
        terms.append(Term("cbam.term.heat_imported", heat_imp, "tCO2", f"{fmt(h.imported_tj)} TJ × {fmt(h.imported_ef)}", SRC_ATTR))
        terms.append(Term("cbam.term.heat_exported", -heat_exp, "tCO2", f"− {fmt(h.exported_tj)} TJ × {fmt(h.exported_ef)}", SRC_ATTR))
    if wg_imp or wg_out:
        terms.append(Term("cbam.term.waste_gas_imported", wg_imp, "tCO2", f"{fmt(w.imported_tj)} TJ × {fmt(ef_ng)}", SRC_ATTR))
        terms.append(Term("cbam.term.waste_gas_exported", -wg_out, "tCO2", f"− {fmt(w.exported_tj)} TJ × {fmt(ef_ng)} × {fmt(wg_exp)}", SRC_ATTR))
    if el_exp:
        terms.append(Term("cbam.term.electricity_exported", -el_exp, "tCO2", f"− {fmt(e.exported_mwh)} MWh × {fmt(e.exported_ef)}", SRC_ATTR))
    terms.append(Term("cbam.term.attributed_direct", attr_dir, "tCO2e",
                      f"max(0, DirEm* + heat imp − heat exp + WG imp − WG exp − el exp) = max(0, {fmt(raw)})", SRC_ATTR))
    attr_ind = e.consumed_mwh * e.ef
    terms.append(Term("cbam.term.attributed_indirect", attr_ind, "tCO2e", f"{fmt(e.consumed_mwh)} MWh × {fmt(e.ef)} tCO2/MWh", SRC_ATTR))
    return dir_em, attr_dir, attr_ind, terms


def process_order(processes: tuple[Process, ...]) -> list[Process]:
    """Processes with every own input before its consumer; a cycle is a CycleError naming its processes."""
    by_id = {p.id: p for p in processes}
    pending = {p.id: sum(1 for u in p.inputs if u.source in by_id) for p in processes}
    consumers: dict[str, list[str]] = {}
    for p in processes:
        for u in p.inputs:
            if u.source in by_id:
                consumers.setdefault(u.source, []).append(p.id)
    ready = [p.id for p in processes if pending[p.id] == 0]
    order: list[Process] = []
    while ready:
        pid = ready.pop()
        order.append(by_id[pid])
        for c in consumers.get(pid, ()):
            pending[c] -= 1
            if pending[c] == 0:
                ready.append(c)
    if len(order) < len(processes):
        left = {pid for pid, n in pending.items() if n > 0}
        node = min(left)
        seen: list[str] = []
        while node not in seen:  # walk inputs inside the leftover set until a node repeats: that loop is the cycle
            seen.append(node)
            node = next(u.source for u in by_id[node].inputs if u.source in left)
        cycle = seen[seen.index(node):]
        raise CycleError(cycle + [node])
    return order


def specific_embedded_emissions(scenario: Scenario, ref: ReferenceData,
                                is_annex_ii: Callable[[str], bool]) -> dict[str, ProcessResult]:
    """SEE_dir, SEE_ind and the CBAM-counted indirect part of every process, recursively through own processes
    and purchased precursors."""
    constants = ref.constants
    pps = {pp.id: pp for pp in scenario.purchased_precursors}
    index = {p.id: n for n, p in enumerate(scenario.processes)}
    results: dict[str, ProcessResult] = {}
    for p in process_order(scenario.processes):
        path = f"processes[{index[p.id]}]"
        dir_em, attr_dir, attr_ind, terms = attribute(p, constants, path)
        al = p.activity_level
        annex_ii = is_annex_ii(p.goods_category)
        ee_dir, ee_ind, ee_ind_counted = attr_dir, attr_ind, 0.0 if annex_ii else attr_ind
        for u in p.inputs:
            if u.source in results:
                src = results[u.source]
                s_dir, s_ind, s_cnt = src.see_direct, src.see_indirect, src.see_indirect_counted
                origin = "process"
            else:
                pp = pps[u.source]
                s_dir, s_ind = pp.see_direct, pp.see_indirect
                s_cnt = 0.0 if is_annex_ii(pp.goods_category) else s_ind
                origin = f"purchased ({pp.data_source}, {pp.country})"
            ee_dir += u.mass * s_dir
            ee_ind += u.mass * s_ind
            ee_ind_counted += u.mass * s_cnt
            terms.append(Term("cbam.term.precursor_direct", u.mass * s_dir, "tCO2e",
                              f"{u.source}: {fmt(u.mass)} t × {fmt(s_dir)} tCO2e/t", f"{SRC_SEE}; {origin}"))
            if s_ind:
                terms.append(Term("cbam.term.precursor_indirect", u.mass * s_ind, "tCO2e",
                                  f"{u.source}: {fmt(u.mass)} t × {fmt(s_ind)} tCO2e/t", f"{SRC_SEE}; {origin}"))
        see_dir, see_ind, see_cnt = ee_dir / al, ee_ind / al, ee_ind_counted / al
        terms.append(Term("cbam.term.activity_level", al, ref.categories[p.goods_category].unit, "AL", "scenario"))
        terms.append(Term("cbam.term.see_direct", see_dir, "tCO2e/t", f"(AttrEm_dir + Σ M × SEE_dir) / AL = {fmt(ee_dir)} / {fmt(al)}", SRC_SEE))
        terms.append(Term("cbam.term.see_indirect", see_ind, "tCO2e/t", f"(AttrEm_ind + Σ M × SEE_ind) / AL = {fmt(ee_ind)} / {fmt(al)}", SRC_SEE))
        terms.append(Term("cbam.term.see_total", see_dir + see_ind, "tCO2e/t", "SEE_dir + SEE_ind", SRC_SEE))
        terms.append(Term("cbam.term.see_indirect_counted", see_cnt, "tCO2e/t",
                          "0 (Annex II good) + precursors outside Annex II" if annex_ii else "SEE_ind without Annex II precursors' indirect",
                          SRC_CROSS))
        results[p.id] = ProcessResult(p.id, p.goods_category, p.cn_code, al, annex_ii, dir_em, attr_dir, attr_ind,
                                      see_dir, see_ind, see_cnt, terms)
    return {p.id: results[p.id] for p in scenario.processes}
