/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("lead_management_response_report", {
    steps: () => [
        {
            content: "The pivot shows the median next to the average",
            trigger: ".o_pivot thead th:contains('Median Response Time (minutes)')",
        },
        {
            content: "Average of 2, 4 and 30 minutes",
            trigger: ".o_pivot tbody tr:first-child td.o_pivot_cell_value:contains('12.0')",
        },
        {
            content: "Median of 2, 4 and 30 minutes",
            trigger: ".o_pivot tbody tr:first-child td.o_pivot_cell_value:contains('4.0')",
        },
        {
            content: "Two of three answered within the target",
            trigger: ".o_pivot tbody tr:first-child td.o_pivot_cell_value:contains('66.7')",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph plots the median",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
