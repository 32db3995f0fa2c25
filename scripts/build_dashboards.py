#!/usr/bin/env python3
"""Write the spreadsheet files of lead_management_dashboard: the *Leads* and
*Marketing ROI* dashboards and their sample files (shown while there is no
lead), in o-spreadsheet's JSON as Odoo 18's own dashboards are.

    python3 scripts/build_dashboards.py

The files are generated so that their pivots, cells and charts stay
consistent with each other; edit this script, not the JSON.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "lead_management_dashboard", "data", "files")

SOURCE = "lead.source.report"
REP = "lead.rep.report"
FIRST_TOUCH = [["attribution_model", "=", "first"]]
TOP = 10

STYLES = {
    "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
    "2": {"fontSize": 11, "textColor": "#434343", "verticalAlign": "middle", "bold": True},
    "3": {"textColor": "#434343", "verticalAlign": "middle"},
    "4": {"bold": True},
    "5": {"fillColor": "#f2f2f2"},
}
BORDERS = {"1": {"bottom": {"style": "thin", "color": "#CCCCCC"}}}
FORMATS = {"1": "0.0%", "2": "#,##0", "3": "#,##0.00"}

FILTER_PERIOD = "5b0f4b56-6a37-4c7e-9a52-6f1d3c1a0001"
FILTER_TEAM = "5b0f4b56-6a37-4c7e-9a52-6f1d3c1a0002"
FILTER_USER = "5b0f4b56-6a37-4c7e-9a52-6f1d3c1a0003"
FILTER_SOURCE = "5b0f4b56-6a37-4c7e-9a52-6f1d3c1a0004"
FILTER_CAMPAIGN = "5b0f4b56-6a37-4c7e-9a52-6f1d3c1a0005"


def global_filters(*ids):
    known = {
        FILTER_PERIOD: {"type": "date", "label": "Period", "defaultValue": "last_three_months",
                        "rangeType": "relative"},
        FILTER_TEAM: {"type": "relation", "label": "Sales Team", "modelName": "crm.team"},
        FILTER_USER: {"type": "relation", "label": "Salesperson", "modelName": "res.users"},
        FILTER_SOURCE: {"type": "relation", "label": "Source", "modelName": "utm.source"},
        FILTER_CAMPAIGN: {"type": "relation", "label": "Campaign", "modelName": "utm.campaign"},
    }
    result = []
    for filter_id in ids:
        spec = dict(known[filter_id], id=filter_id)
        if spec["type"] == "relation":
            spec.update(defaultValue=[], defaultValueDisplayNames=[], rangeType="year")
        result.append(spec)
    return result


#: the field of each report that each global filter applies to
MATCHING = {
    SOURCE: {FILTER_PERIOD: ("date", "date"), FILTER_TEAM: ("team_id", "many2one"),
             FILTER_USER: ("user_id", "many2one"), FILTER_SOURCE: ("source_id", "many2one"),
             FILTER_CAMPAIGN: ("campaign_id", "many2one")},
    REP: {FILTER_PERIOD: ("date", "date"), FILTER_TEAM: ("team_id", "many2one"),
          FILTER_USER: ("user_id", "many2one")},
}


def field_matching(model, filters, offset=0):
    matching = {}
    for filter_id in filters:
        if filter_id in MATCHING[model]:
            chain, kind = MATCHING[model][filter_id]
            matching[filter_id] = {"chain": chain, "type": kind}
            if kind == "date":
                matching[filter_id]["offset"] = offset
    return matching


def pivot(pivot_id, name, model, measures, filters, rows=(), domain=(), offset=0, sort=None):
    return {
        "type": "ODOO", "id": str(pivot_id), "formulaId": str(pivot_id), "name": name, "model": model,
        "domain": list(domain), "context": {},
        "measures": [{"id": m, "fieldName": m} for m in measures],
        "columns": [], "rows": [{"fieldName": r} for r in rows],
        "sortedColumn": sort and {"groupId": [[], []], "measure": sort, "order": "desc"},
        "fieldMatching": field_matching(model, filters, offset),
    }


def cell(text):
    return {"content": text}


def t(text):
    return cell(f'=_t("{text}")')


def scorecard(fig_id, x, y, title, row, background="#EFF6FF"):
    return {"id": fig_id, "x": x, "y": y, "width": 205, "height": 101, "tag": "chart", "data": {
        "type": "scorecard", "title": {"text": title, "bold": True, "color": "#434343"},
        "background": background, "keyValue": f"Data!D{row}", "baseline": f"Data!E{row}",
        "baselineMode": "percentage", "baselineDescr": "since last period",
        "baselineColorUp": "#00A04A", "baselineColorDown": "#DC6965", "humanize": False}}


def odoo_chart(fig_id, x, y, width, title, model, measure, groupby, filters, mode="bar", domain=()):
    return {"id": fig_id, "x": x, "y": y, "width": width, "height": 330, "tag": "chart", "data": {
        "type": f"odoo_{mode}", "title": {"text": title, "bold": True, "color": "#434343"},
        "background": "#FFFFFF", "legendPosition": "none",
        "metaData": {"groupBy": [groupby], "measure": measure, "order": "DESC" if mode == "bar" else None,
                     "resModel": model, "mode": mode},
        "searchParams": {"comparison": None, "context": {}, "domain": list(domain), "groupBy": [groupby],
                         "orderBy": []},
        "verticalAxisPosition": "left", "stacked": False, "fillArea": mode == "line",
        "fieldMatching": field_matching(model, filters)}}


def sheet(sheet_id, name, cells, figures=(), cols=None, styles=None, borders=None, formats=None):
    rows = max(int("".join(c for c in ref if c.isdigit())) for ref in cells) + 5
    return {
        "id": sheet_id, "name": name, "colNumber": 8, "rowNumber": max(rows, 40),
        "rows": {}, "cols": cols or {}, "merges": [], "cells": cells,
        "styles": styles or {}, "formats": formats or {}, "borders": borders or {},
        "conditionalFormats": [], "figures": list(figures), "tables": [], "areGridLinesVisible": False,
        "isVisible": True, "headerGroups": {"ROW": [], "COL": []}, "dataValidationRules": [], "comments": {},
    }


def workbook(sheets, pivots, filters):
    return {
        "version": 21, "sheets": sheets, "styles": STYLES, "formats": FORMATS, "borders": BORDERS,
        "revisionId": "START_REVISION", "uniqueFigureIds": True,
        "settings": {"locale": {"name": "English (US)", "code": "en_US", "thousandsSeparator": ",",
                                "decimalSeparator": ".", "dateFormat": "mm/dd/yyyy", "timeFormat": "hh:mm:ss",
                                "formulaArgSeparator": ",", "weekStart": 7}},
        "pivots": {p["id"]: p for p in pivots}, "pivotNextId": len(pivots) + 1, "customTableStyles": {},
        "odooVersion": 12, "globalFilters": filters, "lists": {}, "listNextId": 1,
    }


def data_sheet(kpis):
    """The Data sheet: one row per KPI, its current and previous values (B, C)
    and the same formatted for the scorecards (D, E)."""
    cells = {"A1": t("KPI"), "B1": t("Current"), "C1": t("Previous"), "D1": t("Current"), "E1": t("Previous")}
    for row, (label, current, previous, _fmt) in enumerate(kpis, start=2):
        cells[f"A{row}"] = t(label)
        cells[f"B{row}"] = cell(current)
        cells[f"C{row}"] = cell(previous)
        cells[f"D{row}"] = cell(f"=FORMAT.LARGE.NUMBER(B{row})")
        cells[f"E{row}"] = cell(f"=FORMAT.LARGE.NUMBER(C{row})")
    return cells


def top_table(cells, styles, formats, col, row, title, pivot_id, groupby, columns):
    """A titled table of the TOP first groups of a pivot: header, then one line a group."""
    first = col
    cells[f"{col}{row}"] = t(title)
    styles[f"{col}{row}"] = 1
    header = row + 1
    cells[f"{first}{header}"] = t(columns[0][0])
    for index in range(1, TOP + 1):
        cells[f"{first}{header + index}"] = cell(f'=PIVOT.HEADER({pivot_id},"#{groupby}",{index})')
    for offset, (label, measure, fmt) in enumerate(columns[1:], start=1):
        letter = chr(ord(first) + offset)
        cells[f"{letter}{header}"] = t(label)
        styles[f"{letter}{header}"] = 2
        for index in range(1, TOP + 1):
            value = f'PIVOT.VALUE({pivot_id},"{measure}","#{groupby}",{index})'
            cells[f"{letter}{header + index}"] = cell(f"={value}/100" if fmt == "1" else f"={value}")
        if fmt:
            formats[f"{letter}{header + 1}:{letter}{header + TOP}"] = fmt
    styles[f"{first}{header}"] = 2


def leads_dashboard():
    filters = [FILTER_PERIOD, FILTER_TEAM, FILTER_USER, FILTER_SOURCE]
    kpi_measures = ["lead_count", "mql_count", "sql_count", "won_count", "lead_to_won_rate", "cac"]
    rep_measures = ["first_response_median", "target_met_rate", "pipeline_weighted"]
    pivots = [
        pivot(1, "Leads - current period", SOURCE, kpi_measures, filters, domain=FIRST_TOUCH),
        pivot(2, "Leads - previous period", SOURCE, kpi_measures, filters, domain=FIRST_TOUCH, offset=-1),
        pivot(3, "Salespeople - current period", REP, rep_measures, filters),
        pivot(4, "Salespeople - previous period", REP, rep_measures, filters, offset=-1),
        pivot(5, "Leads by source", SOURCE, ["lead_count", "sql_count", "won_count"], filters,
              rows=["source_id"], domain=FIRST_TOUCH, sort="lead_count"),
        pivot(6, "Salesperson efficiency", REP,
              ["assigned_count", "first_response_median", "win_rate", "won_revenue"], filters,
              rows=["user_id"], sort="assigned_count"),
        pivot(7, "Leads by province", SOURCE, ["lead_count", "won_count"], filters,
              rows=["state_id"], domain=FIRST_TOUCH, sort="lead_count"),
    ]
    kpis = [
        ("New leads", '=PIVOT.VALUE(1,"lead_count")', '=PIVOT.VALUE(2,"lead_count")', 2),
        ("Marketing qualified", '=PIVOT.VALUE(1,"mql_count")', '=PIVOT.VALUE(2,"mql_count")', 2),
        ("Sales qualified", '=PIVOT.VALUE(1,"sql_count")', '=PIVOT.VALUE(2,"sql_count")', 2),
        ("Won", '=PIVOT.VALUE(1,"won_count")', '=PIVOT.VALUE(2,"won_count")', 2),
        ("Lead to won", '=PIVOT.VALUE(1,"lead_to_won_rate")/100', '=PIVOT.VALUE(2,"lead_to_won_rate")/100', 1),
        ("Customer acquisition cost", '=PIVOT.VALUE(1,"cac")', '=PIVOT.VALUE(2,"cac")', 3),
        ("Median first response (minutes)", '=PIVOT.VALUE(3,"first_response_median")',
         '=PIVOT.VALUE(4,"first_response_median")', 3),
        ("Response targets met", '=PIVOT.VALUE(3,"target_met_rate")/100', '=PIVOT.VALUE(4,"target_met_rate")/100',
         1),
        ("Open weighted pipeline", '=PIVOT.VALUE(3,"pipeline_weighted")',
         '=PIVOT.VALUE(4,"pipeline_weighted")', 3),
    ]
    figures = [scorecard(f"lm-leads-kpi-{row}", 10 + 215 * ((row - 2) % 5), 10 + 111 * ((row - 2) // 5),
                         label, row, "#EFF6FF" if row < 7 else "#FFF7ED")
               for row, (label, *_rest) in enumerate(kpis, start=2)]
    figures += [
        odoo_chart("lm-leads-week", 10, 240, 1065, "New leads by week", SOURCE, "lead_count", "date:week", filters,
                   "line", FIRST_TOUCH),
        odoo_chart("lm-leads-source", 10, 590, 525, "New leads by source", SOURCE, "lead_count", "source_id",
                   filters, domain=FIRST_TOUCH),
        odoo_chart("lm-leads-user", 550, 590, 525, "Leads assigned by salesperson", REP, "assigned_count",
                   "user_id", filters),
        odoo_chart("lm-leads-province", 10, 940, 1065, "New leads by province", SOURCE, "lead_count", "state_id",
                   filters, domain=FIRST_TOUCH),
    ]
    cells, styles, formats = {}, {}, {}
    top_table(cells, styles, formats, "A", 60, "Top sources", 5, "source_id",
              [("Source", None, None), ("Leads", "lead_count", "2"), ("Sales qualified", "sql_count", "2"),
               ("Won", "won_count", "2")])
    top_table(cells, styles, formats, "A", 74, "Salespeople", 6, "user_id",
              [("Salesperson", None, None), ("Leads assigned", "assigned_count", "2"),
               ("Median first response (minutes)", "first_response_median", "3"),
               ("Win rate", "win_rate", "1"), ("Won revenue", "won_revenue", "3")])
    top_table(cells, styles, formats, "A", 88, "Top provinces", 7, "state_id",
              [("Province", None, None), ("Leads", "lead_count", "2"), ("Won", "won_count", "2")])
    cols = {"0": {"size": 260}, "1": {"size": 140}, "2": {"size": 200}, "3": {"size": 120}, "4": {"size": 140}}
    data_cells = data_sheet(kpis)
    data_formats = {f"B{row}:C{row}": fmt for row, (*_rest, fmt) in enumerate(kpis, start=2)}
    sheets = [sheet("sheet1", "Dashboard", cells, figures, cols, styles, formats=formats),
              sheet("sheet2", "Data", data_cells, cols={"0": {"size": 240}}, formats=data_formats)]
    return workbook(sheets, pivots, global_filters(*filters)), kpis


def roi_dashboard():
    filters = [FILTER_PERIOD, FILTER_TEAM, FILTER_SOURCE, FILTER_CAMPAIGN]
    measures = ["cost", "lead_count", "cost_per_lead", "cost_per_sql", "cac", "roi", "won_revenue"]
    pivots = [
        pivot(1, "Marketing ROI - current period", SOURCE, measures, filters, domain=FIRST_TOUCH),
        pivot(2, "Marketing ROI - previous period", SOURCE, measures, filters, domain=FIRST_TOUCH, offset=-1),
        pivot(3, "Marketing ROI by source", SOURCE, measures, filters, rows=["source_id"], domain=FIRST_TOUCH,
              sort="cost"),
        pivot(4, "Marketing ROI by campaign", SOURCE, measures, filters, rows=["campaign_id"],
              domain=FIRST_TOUCH, sort="cost"),
    ]
    kpis = [
        ("Cost", '=PIVOT.VALUE(1,"cost")', '=PIVOT.VALUE(2,"cost")', 3),
        ("Cost per lead", '=PIVOT.VALUE(1,"cost_per_lead")', '=PIVOT.VALUE(2,"cost_per_lead")', 3),
        ("Cost per sales qualified lead", '=PIVOT.VALUE(1,"cost_per_sql")', '=PIVOT.VALUE(2,"cost_per_sql")', 3),
        ("Customer acquisition cost", '=PIVOT.VALUE(1,"cac")', '=PIVOT.VALUE(2,"cac")', 3),
        ("Return on investment", '=PIVOT.VALUE(1,"roi")/100', '=PIVOT.VALUE(2,"roi")/100', 1),
    ]
    figures = [scorecard(f"lm-roi-kpi-{row}", 10 + 215 * (row - 2), 10, label, row,
                         "#FFF7ED" if row > 2 else "#EFF6FF")
               for row, (label, *_rest) in enumerate(kpis, start=2)]
    figures += [
        odoo_chart("lm-roi-source", 10, 130, 525, "Cost by source", SOURCE, "cost", "source_id", filters,
                   domain=FIRST_TOUCH),
        odoo_chart("lm-roi-campaign", 550, 130, 525, "Return on investment by campaign (%)", SOURCE, "roi",
                   "campaign_id", filters, domain=FIRST_TOUCH),
    ]
    cells, styles, formats = {}, {}, {}
    columns = [("Leads", "lead_count", "2"), ("Cost", "cost", "3"), ("Cost per lead", "cost_per_lead", "3"),
               ("Cost per SQL", "cost_per_sql", "3"), ("CAC", "cac", "3"), ("ROI", "roi", "1")]
    top_table(cells, styles, formats, "A", 22, "Sources", 3, "source_id", [("Source", None, None), *columns])
    top_table(cells, styles, formats, "A", 36, "Campaigns", 4, "campaign_id",
              [("Campaign", None, None), *columns])
    cols = {"0": {"size": 260}, **{str(i): {"size": 130} for i in range(1, 7)}}
    data_cells = data_sheet(kpis)
    data_formats = {f"B{row}:C{row}": fmt for row, (*_rest, fmt) in enumerate(kpis, start=2)}
    sheets = [sheet("sheet1", "Dashboard", cells, figures, cols, styles, formats=formats),
              sheet("sheet2", "Data", data_cells, cols={"0": {"size": 240}}, formats=data_formats)]
    return workbook(sheets, pivots, global_filters(*filters)), kpis


def sample(book, kpis):
    """The same dashboard without data sources: fixed figures and plain charts,
    for a database without leads (spreadsheet.dashboard.sample_dashboard_file_path)."""
    book = copy.deepcopy(book)
    book["pivots"], book["pivotNextId"], book["globalFilters"] = {}, 1, []
    dashboard, data = book["sheets"]
    for row, (_label, _current, _previous, fmt) in enumerate(kpis, start=2):
        current = 0.25 if fmt == "1" else 120 * row
        data["cells"][f"B{row}"] = cell(str(current))
        data["cells"][f"C{row}"] = cell(str(current * 0.9))
    names = ["Google Ads", "Instagram", "Website", "Referral", "Exhibition", "Phone", "Email", "Partner",
             "LinkedIn", "Other"]
    for index, name in enumerate(names, start=20):
        data["cells"][f"A{index}"] = cell(name)
        data["cells"][f"B{index}"] = cell(str(100 - 8 * (index - 20)))
    for ref, content in list(dashboard["cells"].items()):
        if "PIVOT." in content["content"]:
            del dashboard["cells"][ref]
    charts = []
    for figure in dashboard["figures"]:
        if figure["data"]["type"].startswith("odoo_"):
            mode = figure["data"]["type"][len("odoo_"):]
            figure["data"] = {"type": mode, "title": figure["data"]["title"], "background": "#FFFFFF",
                              "legendPosition": "none", "dataSets": [{"dataRange": "Data!B20:B29"}],
                              "labelRange": "Data!A20:A29", "dataSetsHaveTitle": False, "stacked": False,
                              "aggregated": False, "labelsAsText": True}
        charts.append(figure)
    dashboard["figures"] = charts
    return book


def write(name, book):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as out:
        json.dump(book, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for stem, build in (("leads", leads_dashboard), ("marketing_roi", roi_dashboard)):
        book, kpis = build()
        write(f"{stem}_dashboard.json", book)
        write(f"{stem}_sample_dashboard.json", sample(book, kpis))


if __name__ == "__main__":
    main()
