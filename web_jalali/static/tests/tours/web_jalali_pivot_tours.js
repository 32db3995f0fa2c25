import { registry } from "@web/core/registry";

const HEADERS = ".o_pivot table thead th.o_pivot_header_cell_closed";

function checkHeaders(expected) {
    const headers = [...document.querySelectorAll(HEADERS)].map((th) => th.textContent.trim());
    if (JSON.stringify(headers) !== JSON.stringify(expected)) {
        throw new Error(`The pivot's month headers are ${JSON.stringify(headers)}, not ${JSON.stringify(expected)}`);
    }
}

/**
 * A Persian user's pivot by month: the partners created on 30 Aban and
 * 10 Azar 1405 (Tehran) are in two Jalali months; the Azar cell opens the
 * partner of Azar only.
 */
registry.category("web_tour.tours").add("web_jalali_persian_pivot", {
    steps: () => [
        {
            content: "The columns are Jalali months, Persian digits",
            trigger: HEADERS,
            run: () => checkHeaders(["آبان ۱۴۰۵", "آذر ۱۴۰۵"]),
        },
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

/** An English user's pivot by month: Odoo's Gregorian months. */
registry.category("web_tour.tours").add("web_jalali_gregorian_pivot", {
    steps: () => [
        {
            content: "The column is the Gregorian month of both partners",
            trigger: HEADERS,
            run: () => checkHeaders(["November 2026"]),
        },
    ],
});
