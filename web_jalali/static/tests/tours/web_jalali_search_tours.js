import { registry } from "@web/core/registry";

// the days of the activities of the test (their summaries end with them)
const DAYS = [
    "2024-12-20", // 1403/09/30, last day of Q3 1403
    "2024-12-21", // 1403/10/01, first day of Q4 1403
    "2025-02-18", // 1403/11/30
    "2025-02-19", // 1403/12/01, Esfand 1403 starts
    "2025-03-01",
    "2025-03-20", // 1403/12/30: 1403 is a leap year
    "2025-03-21", // 1404/01/01
    "2025-03-31",
    "2025-04-01",
];

/**
 * The list shows the activities of these days, and only them.
 * @param {string[]} shown
 * @param {string} [list] the list view's selector
 */
function rowsAre(shown, list = ".o_list_view") {
    const has = (day) => `:has(.o_data_row:contains('Jalali search ${day}'))`;
    const hidden = DAYS.filter((day) => !shown.includes(day));
    return `${list} .o_list_table${shown.map(has).join("")}${hidden
        .map((day) => `:not(${has(day)})`)
        .join("")}`;
}

/**
 * Today is 2025-03-10 (1403/12/20) in the browser: luxon's clock is set, then
 * the action opened again, so that its search model starts on that day.
 */
function todayIsMarch10() {
    return [
        {
            content: "The list is open",
            trigger: ".o_list_view",
            // the first page of a test may wait for its asset bundles
            timeout: 30000,
            run() {
                luxon.Settings.now = () => new Date(2025, 2, 10, 12, 0).valueOf();
                document.querySelector(".o_list_view").classList.add("o_web_jalali_stale");
                const actionId = Number(window.location.pathname.match(/action-(\d+)/)[1]);
                odoo.__WOWL_DEBUG__.root.env.services.action.doAction(actionId, {
                    clearBreadcrumbs: true,
                });
            },
        },
        {
            content: "The action is open again, all the activities listed",
            trigger: rowsAre(DAYS, ".o_list_view:not(.o_web_jalali_stale)"),
        },
        {
            content: "Open the filter menu",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Open the options of the date filter",
            trigger: ".o_filter_menu .o_accordion_toggle:contains('Jalali Due')",
            run: "click",
        },
    ];
}

/**
 * A Persian user (Solar Hijri calendar, Persian digits): the options are
 * Jalali months, quarters and years; "this month" is Esfand 1403, from
 * 2025-02-19 to 2025-03-20 (its 30th day, 1403 being leap); Q4 is Dey to Esfand.
 */
registry.category("web_tour.tours").add("web_jalali_persian_search", {
    steps: () => [
        ...todayIsMarch10(),
        {
            content: "The last three Jalali months and years are offered, in Persian digits",
            trigger: [
                ".o_filter_menu:has(.o_item_option:contains('بهمن'))",
                ":has(.o_item_option:contains('دی'))",
                ":has(.o_item_option:contains('۱۴۰۱'))",
                ":not(:has(.o_item_option:contains('March')))",
                ":not(:has(.o_item_option:contains('2025')))",
                " .o_item_option:contains('۱۴۰۳')",
            ].join(""),
        },
        {
            content: "Pick this month",
            trigger: ".o_filter_menu .o_item_option:contains('اسفند')",
            run: "click",
        },
        {
            content: "The facet names the Jalali month and year",
            trigger: ".o_searchview_facet .o_facet_value:contains('اسفند ۱۴۰۳')",
        },
        {
            content: "The activities of Esfand 1403 are listed, from its first to its 30th day",
            trigger: rowsAre(["2025-02-19", "2025-03-01", "2025-03-20"]),
        },
        {
            content: "Drop the month",
            trigger: ".o_filter_menu .o_item_option:contains('اسفند')",
            run: "click",
        },
        {
            // after the three months; Odoo's Persian name of Q4 is not settled
            content: "Pick the fourth quarter",
            trigger: ".o_filter_menu .o_item_option:eq(3)",
            run: "click",
        },
        {
            content: "The facet names the quarter and the Jalali year, in Persian digits",
            trigger: ".o_searchview_facet .o_facet_value:contains('۴ ۱۴۰۳')",
        },
        {
            content: "The activities of Dey, Bahman and Esfand 1403 are listed",
            trigger: rowsAre(["2024-12-21", "2025-02-18", "2025-02-19", "2025-03-01", "2025-03-20"]),
        },
    ],
});

/** An English user: "this month" is March 2025, Odoo's Gregorian month. */
registry.category("web_tour.tours").add("web_jalali_gregorian_search", {
    steps: () => [
        ...todayIsMarch10(),
        {
            content: "Pick this month",
            trigger: ".o_filter_menu .o_item_option:contains('March')",
            run: "click",
        },
        {
            content: "The facet names the Gregorian month and year",
            trigger: ".o_searchview_facet .o_facet_value:contains('March 2025')",
        },
        {
            content: "The activities of March 2025 are listed",
            trigger: rowsAre(["2025-03-01", "2025-03-20", "2025-03-21", "2025-03-31"]),
        },
    ],
});
