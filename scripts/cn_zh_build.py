"""Builds core/assistant/cn_zh_terms.json, the Chinese search words of every CN code of core/cbam/data/cn_codes.csv,
and checks core/assistant/cn_zh.json, the Chinese description of every code.

Two files, two purposes:
- cn_zh.json (code → description) is the source of truth for what a person reads: a description in the wording of the
  Chinese customs tariff, translated from the code's official English text with its distinguishing conditions
  (宽度≥600毫米, 热轧/冷轧（冷压）, 卷材/非卷材, 镀或涂锌, 未锻轧铝 …). It was drafted with scripts/cn_zh_draft.py and
  reviewed code by code; it is edited by hand, never regenerated over.
- cn_zh_terms.json (code → space-separated words) is built here: each code's heading name, its own name where the heading
  does not tell the codes apart, and the glossary terms its English text contains (热轧, 镀锌, 钢板, 热轧卷板 …), so that
  the words people type find a code even when the description says it differently (镀锌 finds 镀或涂锌).
The assistant's search (core/assistant/search.py) and the CN code picker (core/reporting/common.find_cn) read both.

Run again after the CN list changes: `python scripts/cn_zh_build.py` rewrites the terms and fails when a code has no
description (draft one with scripts/cn_zh_draft.py, review it, add it to cn_zh.json)."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADINGS = {
    "2507": "煅烧黏土（高岭土质黏土）", "2523": "水泥", "2601": "烧结矿 铁矿砂及其精矿 已烧结", "2716": "电力 电能",
    "2804": "氢 氢气", "2808": "硝酸 磺硝酸", "2814": "氨 合成氨", "2834": "硝酸钾 肥料",
    "3102": "矿物氮肥 化学氮肥", "3105": "混合肥料 复合肥 含氮磷钾的肥料",
    "7201": "生铁 镜铁 铁水", "7202": "铁合金", "7203": "直接还原铁 海绵铁",
    "7205": "生铁 镜铁 钢铁 颗粒 粉末 铁粉", "7206": "铁及非合金钢 钢锭 初级形状",
    "7207": "铁及非合金钢 半制成品 钢坯 板坯 方坯", "7208": "铁及非合金钢 平板轧材 宽度≥600毫米 热轧 钢板 热轧卷板",
    "7209": "铁及非合金钢 平板轧材 宽度≥600毫米 冷轧 钢板 冷轧卷板", "7210": "铁及非合金钢 平板轧材 宽度≥600毫米 镀层 涂层 钢板",
    "7211": "铁及非合金钢 平板轧材 宽度<600毫米 窄带钢 钢板", "7212": "铁及非合金钢 平板轧材 宽度<600毫米 镀层 涂层 窄带钢",
    "7213": "铁及非合金钢 热轧 盘条 线材 不规则盘绕 条杆", "7214": "铁及非合金钢 条 杆 棒材 热轧 钢筋",
    "7215": "铁及非合金钢 其他条 杆 棒材 冷成形", "7216": "铁及非合金钢 角材 型材 异型材 型钢",
    "7217": "铁及非合金钢 钢丝 铁丝 普通钢丝 碳素钢丝", "7218": "不锈钢 钢锭 半制成品", "7219": "不锈钢 平板轧材 宽度≥600毫米 不锈钢板",
    "7220": "不锈钢 平板轧材 宽度<600毫米 不锈钢带", "7221": "不锈钢 热轧 盘条 不规则盘绕 条杆",
    "7222": "不锈钢 条 杆 棒材 角材 型材", "7223": "不锈钢丝", "7224": "其他合金钢 钢锭 半制成品",
    "7225": "其他合金钢 平板轧材 宽度≥600毫米 合金钢板", "7226": "其他合金钢 平板轧材 宽度<600毫米 合金钢带",
    "7227": "其他合金钢 热轧 盘条 不规则盘绕", "7228": "其他合金钢 条 杆 棒材 角材 型材 空心钻钢",
    "7229": "其他合金钢丝", "7301": "钢板桩 焊接角材 型材", "7302": "铁道 电车道 铺轨用钢材 钢轨 轨枕",
    "7303": "铸铁管 空心异型材", "7304": "无缝钢管 钢铁管 空心异型材", "7305": "焊接钢管 外径超过406.4毫米 大口径钢管",
    "7306": "其他钢铁管 焊接钢管 空心异型材", "7307": "钢铁管子附件 法兰 弯头 管件 套管",
    "7308": "钢结构 钢铁结构体 部件 桥梁 塔 门窗 脚手架", "7309": "钢铁囤 柜 罐 容积超过300升 储罐",
    "7310": "钢铁柜 桶 罐 听 盒 容积不超过300升", "7311": "钢铁容器 压缩气体 液化气体 气瓶",
    "7318": "钢铁 螺钉 螺栓 螺母 垫圈 铆钉 紧固件", "7326": "其他钢铁制品",
    "7601": "未锻轧铝 原铝 铝锭", "7603": "铝粉 片状粉末", "7604": "铝条 杆 型材 异型材 铝型材",
    "7605": "铝丝", "7606": "铝板 铝片 铝带 厚度超过0.2毫米", "7607": "铝箔 厚度不超过0.2毫米",
    "7608": "铝管", "7609": "铝制管子附件", "7610": "铝制结构体 部件 铝门窗", "7611": "铝制囤 柜 罐 容积超过300升",
    "7612": "铝制桶 罐 听 盒 容积不超过300升", "7613": "铝制容器 压缩气体 液化气体", "7614": "铝制绞股线 缆",
    "7616": "其他铝制品",
}
CODES = {
    "25231000": "水泥熟料 熟料", "25232100": "白色硅酸盐水泥 白水泥", "25232900": "普通硅酸盐水泥 灰色水泥",
    "25233000": "铝酸盐水泥 高铝水泥", "25239000": "其他水硬性水泥", "28141000": "无水氨 液氨",
    "28142000": "氨水 氨溶液", "31021010": "尿素 含氮量超过45%", "31021090": "尿素 含氮量不超过45%",
    "31022100": "硫酸铵 硫铵", "31022900": "硫酸铵和硝酸铵的复盐及混合物", "31023010": "硝酸铵 水溶液",
    "31023090": "硝酸铵 硝铵", "31024010": "硝酸铵与碳酸钙的混合物 硝铵钙 含氮量不超过28%",
    "31024090": "硝酸铵与碳酸钙的混合物 硝铵钙 含氮量超过28%", "31025000": "硝酸钠",
    "31026000": "硝酸钙和硝酸铵的复盐及混合物", "31028000": "尿素硝酸铵溶液 UAN", "31029000": "其他氮肥",
    "31051000": "小包装肥料 片状肥料", "31052010": "氮磷钾复合肥 含氮量超过10%", "31052090": "氮磷钾复合肥 含氮量不超过10%",
    "31053000": "磷酸二铵 DAP", "31054000": "磷酸一铵 MAP", "31055100": "含硝酸盐和磷酸盐的肥料",
    "31055900": "氮磷二元肥料", "31059020": "氮钾肥料 含氮量超过10%", "31059080": "氮钾肥料 含氮量不超过10%",
    "72021120": "锰铁 高碳锰铁", "72021180": "锰铁 高碳锰铁", "72021900": "锰铁 低碳锰铁", "72024110": "铬铁 高碳铬铁",
    "72024190": "铬铁 高碳铬铁", "72024910": "铬铁 低碳铬铁", "72024950": "铬铁 低碳铬铁", "72024990": "铬铁 中碳铬铁",
    "72026000": "镍铁", "76011010": "未合金铝 铝板锭 扁锭", "76011090": "未合金铝 铝锭 原铝锭",
    "76012030": "铝合金 扁锭", "76012040": "铝合金 圆棒 铝棒 方坯", "76012080": "铝合金锭",
}
# English term in the description → the Chinese term a compliance team would write
GLOSSARY = [
    ("hot-rolled", "热轧"), ("cold-rolled", "冷轧"), ("cold-reduced", "冷轧"), ("stainless", "不锈钢"),
    ("non-alloy", "非合金钢"), ("coils", "卷材"), ("not in coils", "非卷材"), ("plated", "镀层"), ("coated", "涂层"),
    ("zinc", "镀锌"), ("tin", "镀锡"), ("tinplate", "马口铁"), ("chromium", "铬"), ("aluminium", "铝"),
    ("painted", "涂漆"), ("varnished", "涂漆"), ("plastics", "塑料"), ("clad", "包覆"), ("nickel", "镍"),
    ("silicon-electrical", "硅电钢 电工钢"), ("high-speed", "高速钢"), ("tool", "工具钢"),
    ("free-cutting", "易切削钢"), ("wire", "丝"), ("rods", "杆"), ("bars", "条"), ("angles", "角材"),
    ("sections", "型材"), ("profiles", "型材"), ("tubes", "管"), ("pipes", "管"), ("seamless", "无缝"),
    ("welded", "焊接"), ("line pipe", "管线管"), ("casing", "套管"), ("tubing", "油管"), ("drilling", "钻探"),
    ("oil or gas", "石油天然气"), ("forged", "锻造"), ("cold-drawn", "冷拔"), ("cold-formed", "冷成形"),
    ("cold-finished", "冷加工"), ("extruded", "挤压"), ("cast", "铸"), ("screws", "螺钉"), ("bolts", "螺栓"),
    ("nuts", "螺母"), ("washers", "垫圈"), ("rivets", "铆钉"), ("rails", "钢轨"), ("sheet piling", "板桩"),
    ("containers", "容器"), ("cans", "罐"), ("tanks", "罐"), ("flanges", "法兰"), ("elbows", "弯头"),
    ("fittings", "附件"), ("foil", "箔"), ("plates", "板"), ("sheets", "片"), ("strip", "带"),
    ("indentations", "带肋 钢筋"), ("ribs", "带肋 钢筋"), ("thickness", "厚度"), ("width", "宽度"),
    ("semi-finished", "半制成品 钢坯"), ("ingots", "锭"), ("slabs", "扁锭"), ("billets", "方坯"),
    ("pickled", "酸洗"), ("patterns in relief", "花纹板"), ("doors", "门"), ("windows", "窗"),
    ("structures", "结构"), ("bridges", "桥梁"), ("towers", "塔"), ("stranded", "绞线"), ("cables", "缆"),
    ("powders", "粉末"), ("alloy", "合金"), ("circular", "圆形截面"), ("rectangular", "矩形截面"),
    ("square", "方形截面"), ("hollow", "空心"), ("bent", "弯曲"), ("pig iron", "生铁"), ("granules", "颗粒"),
    ("manganese", "锰"), ("silicon", "硅"), ("boron", "硼"), ("molybdenum", "钼"),
]


def build() -> dict[str, str]:
    out: dict[str, str] = {}
    with open(ROOT / "core/cbam/data/cn_codes.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, en = row["cn_code"], row["description"].lower()
            # what a code excludes is not what it is
            en = re.sub(r"\(excl\.[^)]*\)|not (?:clad|plated|coated|alloyed|further worked)[a-z ,-]*", " ", en)
            terms = [HEADINGS[code[:4]]] + ([CODES[code]] if code in CODES else [])
            for term, zh in GLOSSARY:
                if re.search(rf"(?<![a-z-]){re.escape(term)}(?![a-z-])", en) and zh not in terms:
                    terms.append(zh)
            words = []  # each word once, in order (a heading and a glossary term may both say 热轧)
            for w in " ".join(terms).split():
                if w not in words:
                    words.append(w)
            out[code] = " ".join(words)
    return out


def missing_descriptions() -> list[str]:
    """The CN codes of cn_codes.csv without a description in cn_zh.json."""
    reviewed = json.loads((ROOT / "core/assistant/cn_zh.json").read_text(encoding="utf-8"))
    with open(ROOT / "core/cbam/data/cn_codes.csv", encoding="utf-8") as f:
        return [row["cn_code"] for row in csv.DictReader(f) if not reviewed.get(row["cn_code"])]


if __name__ == "__main__":
    path = ROOT / "core/assistant/cn_zh_terms.json"
    path.write_text(json.dumps(build(), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(path)
    missing = missing_descriptions()
    if missing:
        raise SystemExit(f"no Chinese description in core/assistant/cn_zh.json for: {' '.join(missing)}")
