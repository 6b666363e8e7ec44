"""Annual view per EU customer: for a definitive year, the goods each customer received, their embedded emissions,
the certificates they need and their cost, and where the customer stands against the 50 t de minimis threshold
(Reg. (EU) 2023/956 Art. 2a as inserted by Reg. (EU) 2025/2083); both tables download as CSV."""
import streamlit as st

from core.dashboards.annual import ABOVE, LIKELY_EXEMPT, annual_view, annual_years
from core.errors import DomainError
from core.numbers.display import shown
from ui.dashboards import download, table
from ui.navigation import guard
from ui.state import context, tr

guard("annual")

st.title(tr("page.annual"))
st.caption(tr("annual.intro"))
try:
    with context() as ctx:
        years = annual_years(ctx)
        year = st.selectbox(tr("annual.year"), years, key="annual_year")
        view = annual_view(ctx, year=int(year))
except DomainError as e:
    st.error(tr(e.key, **e.params), icon=":material/error:")
    st.stop()

if view.incomplete:  # never a smaller number: a good the engine cannot price leaves the totals open
    st.error(tr("annual.incomplete", goods=", ".join(view.incomplete)), icon=":material/error:")
threshold = shown(view.threshold_t, "t")

st.subheader(tr("annual.summary", year=view.year))
if not view.customers:
    st.info(tr("annual.no_customers", year=view.year), icon=":material/info:")
else:
    table(view.summary)
    download(view.summary, f"annual_customers_{view.year}", key="annual_csv_summary", label="annual.download_summary")
    download(view.goods, f"annual_goods_{view.year}", key="annual_csv_goods", label="annual.download_goods")
st.caption(tr("annual.certificates_note"))

for c in view.customers:
    st.subheader(tr("annual.customer_heading", name=c.name, country=c.country, eori=c.eori))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr("annual.kpi.counted"), shown(c.counted_t, "t"))
    m2.metric(tr("annual.kpi.threshold"), threshold)
    m3.metric(tr("annual.kpi.certificates"), tr("dash.incomplete") if c.incomplete else shown(c.certificates, "tco2e"))
    m4.metric(tr("annual.kpi.cost"), tr("dash.incomplete") if c.incomplete else f"EUR {shown(c.cost_eur, 'eur')}")
    params = {"counted": shown(c.counted_t, "t"), "threshold": threshold, "year": view.year}
    if c.status == ABOVE:
        st.warning(tr("annual.note.above", **params), icon=":material/warning:")
    elif c.status == LIKELY_EXEMPT:
        st.info(tr("annual.note.likely_exempt", **params), icon=":material/info:")
        if c.near:
            st.warning(tr("annual.note.near"), icon=":material/warning:")
    else:
        st.info(tr("annual.note.not_counted"), icon=":material/info:")
    if c.excluded_goods:
        st.info(tr("annual.note.excluded"), icon=":material/info:")
    table(view.customer_goods(c))

st.caption(tr("annual.source", source=view.source))
