import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";

const HEADERS = ".o_pivot table thead th.o_pivot_header_cell_closed";

function graphSteps(expected) {
    return [
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph's bars are the same months",
            trigger: ".o_graph_renderer canvas",
            run() {
                const labels = Chart.getChart(document.querySelector(".o_graph_renderer canvas")).data.labels;
                if (JSON.stringify(labels) !== JSON.stringify(expected)) {
                    throw new Error(`The graph's months are ${JSON.stringify(labels)}, not ${JSON.stringify(expected)}`);
                }
            },
        },
        {
            content: "Back to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
    ];
}

function checkHeaders(expected) {
    const headers = [...document.querySelectorAll(HEADERS)].map((th) => th.textContent.trim());
    if (JSON.stringify(headers) !== JSON.stringify(expected)) {
        throw new Error(`The pivot's month headers are ${JSON.stringify(headers)}, not ${JSON.stringify(expected)}`);
    }
}

/**
 * A Persian user's pivot and graph by month: the partners created on 30 Aban
 * and 10 Azar 1405 (Tehran) are in two Jalali months; the Azar cell opens the
 * partner of Azar only.
 */
registry.category("web_tour.tours").add("web_jalali_persian_pivot", {
    steps: () => [
        {
            content: "The columns are Jalali months, Persian digits",
            trigger: HEADERS,
            run: () => checkHeaders(["آبان ۱۴۰۵", "آذر ۱۴۰۵"]),
        },
        ...graphSteps(["آبان ۱۴۰۵", "آذر ۱۴۰۵"]),
        {
            content: "Open the records of Azar",
            trigger: ".o_pivot table tbody tr:first-child td.o_pivot_cell_value:eq(1)",
            run: "click",
        },
        {
            content: "Only the partner created on 10 Azar",
            trigger: ".o_list_view .o_data_row:contains('Jalali pivot Azar')",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row");
                if (rows.length !== 1) {
                    throw new Error(`The Azar cell opened ${rows.length} records, not 1`);
                }
            },
        },
    ],
});

/** An English user's pivot and graph by month: Odoo's Gregorian months. */
registry.category("web_tour.tours").add("web_jalali_gregorian_pivot", {
    steps: () => [
        {
            content: "The column is the Gregorian month of both partners",
            trigger: HEADERS,
            run: () => checkHeaders(["November 2026"]),
        },
        ...graphSteps(["November 2026"]),
    ],
});

/**
 * The `jalali_groups` key the web client's RPCs carry: the grouped reads of a
 * Jalali user, not the other calls, not a caller's explicit choice, and not a
 * spreadsheet pivot's reads (the spreadsheet keys months by Gregorian days).
 */
function groupedReadsSteps(expected) {
    return [
        {
            content: "Load the spreadsheet",
            trigger: HEADERS,
            timeout: 60000, // its bundle may be built for the test
            run: () => loadBundle("spreadsheet.o_spreadsheet"),
        },
        {
            content: "The RPCs of grouped reads, other calls and a spreadsheet pivot",
            trigger: HEADERS,
            async run() {
                const sent = [];
                const orm = Object.assign(Object.create(odoo.__WOWL_DEBUG__.root.env.services.orm), {
                    rpc: (url, params) => {
                        sent.push(params.kwargs.context.jalali_groups);
                        return Promise.resolve([]);
                    },
                });
                await orm.webReadGroup("res.partner", [], ["__count"], ["create_date:month"]);
                await orm.readGroup("res.partner", [], ["__count"], ["create_date:month"]);
                await orm.call("res.partner", "read_progress_bar", [], {});
                await orm.searchRead("res.partner", [], ["create_date"]);
                await orm.readGroup("res.partner", [], ["__count"], ["create_date:month"], {
                    context: { jalali_groups: false },
                });
                const { OdooPivotModel } = odoo.loader.modules.get("@spreadsheet/pivot/pivot_model");
                const spreadsheetPivot = Object.assign(Object.create(OdooPivotModel.prototype), {
                    orm,
                    getDefinition: () => ({ columns: [], rows: [] }),
                });
                await spreadsheetPivot._getSubGroups(["create_date:month"], {
                    resModel: "res.partner",
                    groupDomain: [],
                    measureSpecs: ["__count"],
                    kwargs: { lazy: false, context: {} },
                    mapping: {},
                });
                if (JSON.stringify(sent) !== JSON.stringify(expected)) {
                    throw new Error(`jalali_groups sent: ${JSON.stringify(sent)}, not ${JSON.stringify(expected)}`);
                }
            },
        },
    ];
}

registry.category("web_tour.tours").add("web_jalali_persian_grouped_reads", {
    steps: () => groupedReadsSteps([true, true, true, null, false, false]),
});

registry.category("web_tour.tours").add("web_jalali_gregorian_grouped_reads", {
    steps: () => groupedReadsSteps([null, null, null, null, false, false]),
});
