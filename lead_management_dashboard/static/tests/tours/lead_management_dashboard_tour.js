/** @odoo-module **/

import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

/** Resolve with the first truthy value of ``predicate``, polled every 100 ms. */
async function waitUntil(predicate, timeout = 20000) {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
        const value = predicate();
        if (value) {
            return value;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("timed out waiting for the dashboard");
}

/** The dashboard action's component, found from the web client's root. */
function dashboardAction() {
    const stack = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (stack.length) {
        const node = stack.pop();
        if (node.component?.loader && "activeDashboardId" in node.component) {
            return node.component;
        }
        stack.push(...Object.values(node.children));
    }
    throw new Error("no dashboard action on the screen");
}

/**
 * Each KPI of the Data sheet (column B, read from the first pivot of its
 * formula) equals the report's own read_group on the pivot's domain with the
 * dashboard's filters: what the dashboard shows is what the report says.
 */
async function checkKpis() {
    const action = dashboardAction();
    const model = await waitUntil(() => {
        const dashboard = action.state.activeDashboard;
        return dashboard?.status === "Loaded" && dashboard.model;
    });
    const dashboardName = action.state.activeDashboard.displayName;
    const sheetId = model.getters.getSheetIds()[1];
    const loaded = () => {
        for (let row = 1; model.getters.getCell({ sheetId, col: 0, row }); row++) {
            const value = model.getters.getEvaluatedCell({ sheetId, col: 1, row }).value;
            if (value === "Loading..." || typeof value === "string" && value.startsWith("Loading")) {
                return false;
            }
        }
        return true;
    };
    await waitUntil(loaded);
    let checked = 0;
    for (let row = 1; model.getters.getCell({ sheetId, col: 0, row }); row++) {
        const formula = model.getters.getCell({ sheetId, col: 1, row }).content;
        const match = formula.match(/^=PIVOT\.VALUE\((\d+),"(\w+)"\)(\/100)?$/);
        if (!match) {
            continue;
        }
        const [, pivotId, measure, percent] = match;
        const definition = model.getters.getPivotCoreDefinition(pivotId);
        const domain = model.getters.getPivotComputedDomain(pivotId);
        const [group] = await rpc(`/web/dataset/call_kw/${definition.model}/read_group`, {
            model: definition.model, method: "read_group",
            args: [domain, [measure], []], kwargs: { lazy: false },
        });
        const expected = (group[measure] || 0) / (percent ? 100 : 1);
        const shown = model.getters.getEvaluatedCell({ sheetId, col: 1, row }).value || 0;
        if (Math.abs(shown - expected) > 1e-6 * Math.max(1, Math.abs(expected))) {
            throw new Error(`${dashboardName}: ${measure} shows ${shown}, the report says ${expected}`);
        }
        checked++;
    }
    if (!checked) {
        throw new Error(`${dashboardName}: no KPI checked`);
    }
    if (document.querySelector(".o_error_dialog")) {
        throw new Error(`${dashboardName}: an error dialog opened`);
    }
}

registry.category("web_tour.tours").add("lead_management_dashboard", {
    steps: () => [
        {
            // the spreadsheet bundle is loaded lazily: its first load in a test database takes time
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            timeout: 60000,
        },
        {
            trigger: ".o_spreadsheet_dashboard_action .o-figure canvas",
            run: checkKpis,
        },
    ],
});
