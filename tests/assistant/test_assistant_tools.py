"""The read-only tools run under the person's own context: they read the acting organization's data only, carry the
numbers they state and cite the page and field (or the regulation article) they come from."""
import math
import uuid

import pytest

from core.assistant.grounding import Grounding
from core.assistant.tools import cn_lookup, default_vs_actual, explain_cost, explain_see, findings, regulation
from core.errors import NotFound, PermissionDenied
from tests.factories import add_member, context, make_org, make_period, make_user

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


def test_see_tool_carries_the_engines_numbers_and_links_each_process(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        r = explain_see(ctx, lang="en")
    see = {p["process"]: p for p in r.data["processes"]}
    for code, exp in s.expected["processes"].items():
        assert math.isclose(see[code]["see_total"], exp["see_total"], rel_tol=1e-3)
        assert Grounding(r.numbers).grounded(str(see[code]["see_total"]))
        assert any(c.page == "processes" and ("field", "direct_emissions") in c.params for c in r.citations)
    assert all(c.url.startswith("/") for c in r.citations)
    assert any(("period", str(s.period.id)) in c.params for c in r.citations)


def test_cost_findings_and_default_tools_answer_for_the_period(steel_org):
    s = steel_org
    with context(s.engine, s.viewer, s.org) as ctx:
        cost = explain_cost(ctx, lang="zh")
        found = findings(ctx, lang="zh")
        dva = default_vs_actual(ctx, lang="en")
    assert cost.error is None and cost.data["total"]["certificates"] is not None
    assert Grounding(cost.numbers).grounded(str(cost.data["total"]["certificates"]))
    assert any(c.page == "costs" for c in cost.citations)
    assert found.data["total"] == len(found.data["top"]) or found.data["total"] > len(found.data["top"])
    for item, cite in zip(found.data["top"], found.citations[1:], strict=True):
        assert cite.label.startswith(item["rule"])
    assert dva.error is None and all(row["cn_code"] for row in dva.data["rows"])


def test_a_period_of_another_organization_is_not_found(steel_org):
    s = steel_org
    other_owner = make_user(s.engine)
    other_org = make_org(s.engine, other_owner, name_en="Other Co.")
    other_period = make_period(s.engine, other_owner, other_org)
    # the viewer of the steel organization names the other organization's period: not found, nothing read
    with context(s.engine, s.viewer, s.org) as ctx, pytest.raises(NotFound):
        explain_see(ctx, period_id=other_period.id)
    with context(s.engine, s.viewer, s.org) as ctx, pytest.raises(NotFound):
        findings(ctx, period_id=str(uuid.uuid4()))


def test_a_role_without_data_access_runs_no_data_tool(steel_org):
    s = steel_org
    dpo = make_user(s.engine)
    add_member(s.engine, s.owner, s.org, dpo, "dpo")
    with context(s.engine, dpo, s.org) as ctx, pytest.raises(PermissionDenied):
        explain_cost(ctx)


@pytest.mark.parametrize(("text", "heading"), [
    ("热轧钢板", "7208"), ("冷轧钢板", "7209"), ("铝锭", "7601"), ("未锻轧铝", "7601"), ("尿素", "3102101"),
    ("水泥熟料", "25231000"), ("氢", "28041000"), ("钢丝", "7217"), ("不锈钢丝", "7223"), ("无缝钢管", "7304"),
    ("铝箔", "7607"), ("合成氨", "2814"), ("硝酸", "28080000"), ("螺栓", "7318"), ("钢筋", "7214"),
    ("白水泥", "25232100"), ("磷酸二铵", "31053000"), ("铁合金 锰铁", "7202"),
])
def test_chinese_product_descriptions_map_to_the_right_code_in_the_top_three(text, heading):
    r = cn_lookup(text=text, lang="zh")
    codes = [m["cn_code"] for m in r.data["matches"]]
    assert len(codes) <= 3 and any(c.startswith(heading) for c in codes), (text, codes)


def test_regulation_passages_carry_act_and_article():
    r = regulation(text="什么是微量豁免门槛？", lang="zh")
    assert r.data["passages"][0]["reference"] == "Reg. (EU) 2023/956 Art. 2a"
    assert "50" in r.data["passages"][0]["text"]
    assert Grounding(r.numbers).grounded("50") and Grounding(r.numbers).grounded("2023")
    assert r.citations[0].kind == "passage" and "Art. 2a" in r.citations[0].label
    en = regulation(text="When is the annual declaration due?", lang="en")
    assert en.data["passages"][0]["reference"].endswith("Art. 6")
