"""Build the engine's reference data (core/cbam/data/) from the official files.

    python scripts/build_reference_data.py [OFFICIAL_DIR]      # default: ../shared/official

Reads the Commission communication template (CN codes, categories, country codes, constants), the default
values (Impl. Reg. (EU) 2025/2621) and the Column B benchmarks (Impl. Reg. (EU) 2025/2620), writes normalised
CSV/JSON files and `sources.json` naming each source file with its version and SHA-256. The generated files are
committed; the runtime never reads the official directory.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from python_calamine import CalamineWorkbook  # noqa: E402

from core.cbam import tables  # noqa: E402

DATA = ROOT / "core" / "cbam" / "data"
TEMPLATE = "CBAM Communication template for installations_en_20241213.xlsx"
DEFAULTS = "cbam_default_values_2026-02.csv"
BENCHMARKS = "cbam_benchmarks_2026-02.csv"
SHIPPED_VERSION = "2026-02"

# Default-value table country names that differ from the template's country list (ISO-2 via the template).
COUNTRY_ALIASES = {
    "_other countries and territorie": tables.OTHER_COUNTRIES,  # truncated in the source workbook
    "myanmar_burma": "MM",
    "türkiye": "TR",
    "democratic republic of the cong": "CD",  # truncated in the source workbook
    "côte d'ivoire": "CI",
    "curaçao": "CW",
    "russia": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "taiwan": "TW",
    "bolivia": "BO",
    "moldova": "MD",
    "tanzania": "TZ",
    "venezuela": "VE",
    "brunei": "BN",
    "hong kong": "HK",
    "united states": "US",
    "united kingdom": "GB",
    "north macedonia": "MK",
    "eswatini": "SZ",
    "congo": "CG",
    "libya": "LY",
    "kyrgyzstan": "KG",
}

# Annex II of Reg. (EU) 2023/956 as amended by Reg. (EU) 2025/2083 (domain ref §1.1): goods for which only
# direct emissions count. Ammonia is NOT in Annex II although the template flags it so (domain ref §1.1 note a).
ANNEX_II = {
    "Pig iron", "Alloys (FeMn, FeCr, FeNi)", "Direct reduced iron", "Crude steel", "Iron or steel products",
    "Unwrought aluminium", "Aluminium products", "Hydrogen", "Electricity (export to EU)",
}
# Sector of each aggregated category, for the default-value mark-up (Impl. Reg. (EU) 2026/1740, domain ref §3.3).
SECTOR = {
    "Cement": "cement", "Cement clinker": "cement", "Calcined clays": "cement", "Aluminous cement": "cement",
    "Hydrogen": "hydrogen", "Ammonia": "fertilisers", "Nitric acid": "fertilisers", "Urea": "fertilisers",
    "Mixed fertilisers": "fertilisers", "Sintered Ore": "iron_steel", "Pig iron": "iron_steel",
    "Alloys (FeMn, FeCr, FeNi)": "iron_steel", "Direct reduced iron": "iron_steel", "Crude steel": "iron_steel",
    "Iron or steel products": "iron_steel", "Unwrought aluminium": "aluminium", "Aluminium products": "aluminium",
    "Electricity (export to EU)": "electricity",
}
# Production route (template wording) → benchmark route indicator (Impl. Reg. (EU) 2025/2620, domain ref §3.2).
ROUTE_TAGS = {
    "Basic oxygen steelmaking": "C", "Blast furnace route": "C",
    "Primary (electrolytic) smelting": "K", "Secondary melting (recycling)": "L",
}

# Column A (BMg*) of Impl. Reg. (EU) 2025/2620 Annex point 5: a transcript of a public copy of the Commission's
# benchmark workbook, with its provenance in its header (the Commission's Column A file is not among the official
# files). Codes it has no value for are left out: the engine reports them as missing (DQ36), never substitutes.
COLUMN_A_TRANSCRIPT = ROOT / "scripts" / "sources" / "column_a_2025_2620.txt"

SRC_FACTOR = "Directive 2003/87/EC Art. 10a(1a) via domain ref §3.2"
SRC_MARKUP = "Impl. Reg. (EU) 2025/2621 as replaced by 2026/1740, via domain ref §3.3"
PARAMETERS = {
    "cbam_factor": {  # share of free allocation retained; multiplies the benchmark
        "source": SRC_FACTOR,
        "before_first_year": 1.0, "after_last_year": 0.0,
        "values": {"2026": 0.975, "2027": 0.95, "2028": 0.90, "2029": 0.775, "2030": 0.515,
                   "2031": 0.39, "2032": 0.265, "2033": 0.14, "2034": 0.0},
    },
    "default_value_markup": {  # fraction added to the default "total emissions"; the last year holds onwards
        "source": SRC_MARKUP,
        "values": {
            "cement": {"2026": 0.10, "2027": 0.20, "2028": 0.30},
            "iron_steel": {"2026": 0.10, "2027": 0.20, "2028": 0.30},
            "aluminium": {"2026": 0.10, "2027": 0.20, "2028": 0.30},
            "hydrogen": {"2026": 0.10, "2027": 0.20, "2028": 0.30},
            "fertilisers": {"2026": 0.01},
            "electricity": {"2026": 0.0},
        },
    },
    "cscf": {  # cross-sectoral correction factor; published under the EU ETS
        "source": "UNVERIFIED (domain ref §3.2, §9 item 3): 2026 value not found; 1.0 until published",
        "default": 1.0, "values": {},
    },
    "de_minimis": {
        "source": "Reg. (EU) 2023/956 Art. 2a and Annex VII as inserted by Reg. (EU) 2025/2083, via domain ref §3.1",
        "threshold_t": 50.0, "warning_share": 0.9,
        "sectors": ["cement", "iron_steel", "aluminium", "fertilisers"],
        "excluded_categories": ["Hydrogen", "Electricity (export to EU)"],
    },
    "benchmark_period": {  # benchmark tags (1) and (2): years of production
        "source": "Impl. Reg. (EU) 2025/2620 Annex, via domain ref §3.2",
        "1": [2026, 2027], "2": [2028, 2029, 2030],
    },
    "electricity_free_allocation": {
        "source": "Impl. Reg. (EU) 2025/2620 Art. 1(2), via domain ref §2.6", "value": 0.0,
    },
    "ammonia_indirect_counts": {
        "source": "Reg. (EU) 2023/956 Annex II (ammonia not listed) vs template v2.1.1 flag, domain ref §1.1 note a",
        "default": True,
    },
}
CERTIFICATE_PRICES = {
    "source": "Reg. (EU) 2023/956 Art. 21(1a): quarterly average of EU ETS auction prices for 2026 imports; "
              "Q1 2026 EUR 75.36 via domain ref §3.1 [P]; Q2-Q4 2026 UNVERIFIED (not found), enter when published",
    "currency": "EUR",
    "prices": {"2026-Q1": "75.36"},
}


def cell_rows(wb: CalamineWorkbook, sheet: str) -> list[list[object]]:
    return wb.get_sheet_by_name(sheet).to_python()


def build(official: Path) -> dict[str, object]:
    wb = CalamineWorkbook.from_path(str(official / TEMPLATE))
    # Template constants (sheet Parameters_Constants, named CONST_* rows).
    consts = {str(r[0]): r[1] for r in cell_rows(wb, "Parameters_Constants")[:85] if r and r[0]}
    constants = {
        "source": f"{TEMPLATE} sheet Parameters_Constants (GWP, EF natural gas); mass-balance and waste-gas "
                  "factors from sheets B_EmInst and D_Processes, domain ref §2.1–2.2",
        "gwp_n2o": float(consts["CONST_GWP_N2O"]), "gwp_cf4": float(consts["CONST_GWP_CF4"]),
        "gwp_c2f6": float(consts["CONST_GWP_C2F6"]), "ef_natural_gas_t_per_tj": float(consts["CONST_EFNatGas"]),
        "co2_per_c": 3.664,  # 2025/2547 Annex II B.3.2; template v1.0 fix
        "waste_gas_export_factor": 0.667,  # template D_Processes T62
        "tj_per_mwh": 0.0036,  # 3.6 GJ per MWh
    }
    # Categories: rows 89–106 and 110–127 of Parameters_Constants.
    pc = cell_rows(wb, "Parameters_Constants")
    quals: dict[str, list[str]] = {}
    for r in pc[109:127]:
        quals[str(r[0]).strip()] = [str(x) for x in r[1:9] if x not in ("", "n.a.", None)]
    categories: dict[str, object] = {}
    for r in pc[88:106]:
        name = str(r[0]).strip()
        routes = [str(x) for x in r[6:16] if x not in ("", "n.a.", None)]
        categories[name] = {
            "unit": r[1],
            "annex_ii": name in ANNEX_II,
            "indirect_relevant_template": bool(r[2]),
            "sector": SECTOR[name],
            "production_routes": routes,
            "relevant_precursors": [str(x).strip() for x in r[17:27] if x not in ("", "n.a.", None)],
            "precursor_chain": [str(x).strip() for x in r[29:39] if x not in ("", "n.a.", None)],
            "qualifying_parameters": quals.get(name, []),
        }
    # CN codes (Parameters_CNCodes).
    cn_rows = []
    for r in cell_rows(wb, "Parameters_CNCodes")[3:]:
        if r[3] and str(r[3]).isdigit():
            cn_rows.append((str(r[3]), str(r[4]).strip(), str(r[2]).strip()))
    assert len(cn_rows) == 569, len(cn_rows)
    # Countries (c_CodeLists, columns F/G from row 11).
    iso_to_name: dict[str, str] = {}
    for r in cell_rows(wb, "c_CodeLists")[10:]:
        code, name = str(r[5]).strip(), str(r[6]).strip()
        if len(code) == 2 and code.isalpha() and name:
            iso_to_name[code] = name
    name_to_iso = {v.lower(): k for k, v in iso_to_name.items()}
    name_to_iso.update(COUNTRY_ALIASES)
    dv_rows, anomalies = tables.parse_default_values(official / DEFAULTS, name_to_iso)
    bm_rows = tables.parse_benchmarks(official / BENCHMARKS)
    dv_names = sorted({c for c in name_to_iso})

    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / "cn_codes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["cn_code", "category", "description"])
        w.writerows(cn_rows)
    column_a = write_column_a()
    tables.write_default_values(dv_rows, DATA / f"default_values_{SHIPPED_VERSION}.csv")
    tables.write_benchmarks(bm_rows, DATA / f"benchmarks_{SHIPPED_VERSION}.csv")

    def dump(name: str, obj: object) -> None:
        (DATA / name).write_text(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")

    dump("categories.json", {"source": f"{TEMPLATE} Parameters_Constants rows 89–127; Annex II per domain ref §1.1",
                             "route_tags": ROUTE_TAGS, "categories": categories})
    dump("countries.json", {"source": f"{TEMPLATE} c_CodeLists; aliases for the default-value table names",
                            "iso_to_name": iso_to_name, "default_value_names": {n: name_to_iso[n] for n in dv_names}})
    dump("constants.json", constants)
    dump("parameters.json", PARAMETERS)
    dump("certificate_prices.json", CERTIFICATE_PRICES)
    manifest = {
        "generated_by": "scripts/build_reference_data.py",
        "sources": [
            {"file": TEMPLATE, "version": "2.1.1 (13.12.2024)", "sha256": tables.sha256_of(official / TEMPLATE),
             "used_for": ["cn_codes.csv", "categories.json", "countries.json", "constants.json"]},
            {"file": DEFAULTS, "version": f"{SHIPPED_VERSION} (Impl. Reg. (EU) 2025/2621, version of 4 Feb 2026)",
             "sha256": tables.sha256_of(official / DEFAULTS), "used_for": [f"default_values_{SHIPPED_VERSION}.csv"],
             "rows": len(dv_rows), "anomalies": anomalies},
            {"file": BENCHMARKS, "version": f"{SHIPPED_VERSION} (Impl. Reg. (EU) 2025/2620, file of 6 Feb 2026)",
             "sha256": tables.sha256_of(official / BENCHMARKS), "used_for": [f"benchmarks_{SHIPPED_VERSION}.csv"],
             "rows": len(bm_rows)},
        ],
        "versions": {"default_values": SHIPPED_VERSION, "benchmarks": SHIPPED_VERSION},
        "column_a": column_a,
    }
    dump("sources.json", manifest)
    return manifest


def write_column_a() -> dict[str, object]:
    """column_a.csv from the transcript; returns its manifest entry (file, SHA-256, upstream copy, rows)."""
    rows = tables.parse_column_a_transcript(COLUMN_A_TRANSCRIPT)
    with open(DATA / "column_a.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(tables.COLUMN_A_FIELDS)
        w.writerows(rows)
    return {
        "file": str(COLUMN_A_TRANSCRIPT.relative_to(ROOT)),
        "sha256": tables.sha256_of(COLUMN_A_TRANSCRIPT),
        "version": "Impl. Reg. (EU) 2025/2620 Annex point 5, Column A (workbook CBAM Benchmarks_20260206)",
        "upstream": {"repository": "beevr-labs/ecocheck-ai-plugin",
                     "path": "skills/ecocheck-cbam/references/benchmarks.csv",
                     "commit": "65d6cbec309a460efd378dc6ed2513fc8eb9c852"},
        "used_for": ["column_a.csv"],
        "rows": len(rows),
        "codes": len({r[0] for r in rows}),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("official", nargs="?", default=str(ROOT.parent / "shared" / "official"))
    ap.add_argument("--column-a-only", action="store_true", help="rewrite column_a.csv and its manifest entry only")
    args = ap.parse_args()
    if args.column_a_only:
        manifest = json.loads((DATA / "sources.json").read_text(encoding="utf-8"))
        manifest["column_a"] = write_column_a()
        (DATA / "sources.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{manifest['column_a']['file']}: {manifest['column_a']['sha256']}")
        return
    manifest = build(Path(args.official))
    for s in manifest["sources"]:  # type: ignore[index]
        print(f"{s['file']}: {s['sha256']}")


if __name__ == "__main__":
    main()
