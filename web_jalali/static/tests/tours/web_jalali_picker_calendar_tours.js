import { registry } from "@web/core/registry";
import { toJalali, toPersianDigits } from "@web_jalali/core/jalali";

/** The first step waits longer: the web client loads on a busy test machine. */
const LOAD_TIMEOUT = 30000;
const PICKER = ".o_datetime_picker";
const TITLE = `${PICKER} .o_datetime_picker_header .o_header_part`;
const START = ".o_field_widget[name=date_from] input[data-field=date_from]";
const END = ".o_field_widget[name=date_from] input[data-field=date_to]";

function texts(selector, root = document) {
    return [...root.querySelectorAll(selector)].map((element) => element.textContent.trim());
}

function expectEqual(actual, expected, what) {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(`${what}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
    }
}

/** Clicks the day `label` of the `index`-th month grid of the picker. */
function clickDay(index, label) {
    const grid = document.querySelectorAll(`${PICKER} .o_date_picker`)[index];
    const day = [...grid.querySelectorAll("button.o_date_item_cell")].find(
        (button) => button.textContent.trim() === label
    );
    if (!day) {
        throw new Error(`No day ${label} in month ${index} of the picker`);
    }
    day.click();
}

/** Clicks the month, year or decade `label` of the picker's grid. */
function clickItem(label) {
    const item = [...document.querySelectorAll(`${PICKER} .o_date_item_picker .o_date_item_cell`)].find(
        (button) => button.textContent.trim() === label
    );
    if (!item) {
        throw new Error(`No ${label} in the picker`);
    }
    item.click();
}

/**
 * A Persian user picks a date range in two Jalali months side by side, then
 * zooms out to the Jalali months of a year, the Jalali years of a decade and
 * the decades of a century, and back in to Esfand 1404 (29 days: not leap).
 */
registry.category("web_tour.tours").add("web_jalali_persian_range", {
    steps: () => [
        {
            content: "The range reads Azar 11th to 14th, 1405",
            trigger: `${START}:value('۱۴۰۵/۰۹/۱۱')`,
            timeout: LOAD_TIMEOUT,
        },
        {
            trigger: `${END}:value('۱۴۰۵/۰۹/۱۴')`,
        },
        {
            content: "Open the range picker",
            trigger: START,
            run: "click",
        },
        {
            content: "Two Jalali months side by side: Azar and Dey 1405",
            trigger: `${TITLE}:contains('دی ۱۴۰۵')`,
            run() {
                expectEqual(texts(TITLE), ["آذر ۱۴۰۵", "دی ۱۴۰۵"], "The range picker's months");
                const grids = document.querySelectorAll(`${PICKER} .o_date_picker`);
                const lastDays = [...grids].map((grid) => texts("button.o_date_item_cell", grid).at(-1));
                expectEqual(lastDays, ["۳۰", "۳۰"], "The last days of Azar and Dey");
            },
        },
        {
            content: "Pick Azar 1st as the start",
            trigger: `${TITLE}:contains('آذر ۱۴۰۵')`,
            run: () => clickDay(0, "۱"),
        },
        {
            content: "The start is Azar 1st",
            trigger: `${START}:value('۱۴۰۵/۰۹/۰۱')`,
        },
        {
            content: "Pick Dey 5th, in the second month, as the end",
            trigger: `${TITLE}:contains('دی ۱۴۰۵')`,
            run: () => clickDay(1, "۵"),
        },
        {
            content: "The end is Dey 5th",
            trigger: `${END}:value('۱۴۰۵/۱۰/۰۵')`,
        },
        {
            content: "Close the picker",
            trigger: ".o_form_view .o_field_widget[name=number_next_actual] input",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, shown in Jalali",
            trigger: `.o_form_saved ${START}:value('۱۴۰۵/۰۹/۰۱')`,
        },
        {
            content: "Open the picker again",
            trigger: `${END}:value('۱۴۰۵/۱۰/۰۵')`,
            run: `click`,
        },
        {
            content: "Zoom out to the year",
            trigger: `${TITLE}:contains('دی ۱۴۰۵')`,
            run: `click ${PICKER} .o_zoom_out`,
        },
        {
            content: "The twelve Jalali months of 1405",
            trigger: `${TITLE}:contains('۱۴۰۵')`,
            run() {
                expectEqual(texts(TITLE), ["۱۴۰۵"], "The year's title");
                const months = texts(`${PICKER} .o_date_item_picker .o_date_item_cell`);
                expectEqual(months.length, 12, "The number of months");
                expectEqual([months[0], months[8], months[11]], ["فروردین", "آذر", "اسفند"], "The months");
            },
        },
        {
            content: "Zoom out to the decade",
            trigger: `${PICKER} .o_zoom_out`,
            run: "click",
        },
        {
            content: "The Jalali years 1400 to 1409",
            trigger: `${TITLE}:contains('۱۳۹۹ - ۱۴۱۰')`,
            run() {
                const years = texts(`${PICKER} .o_date_item_picker .o_date_item_cell`);
                expectEqual([years[1], years[10]], ["۱۴۰۰", "۱۴۰۹"], "The decade's years");
            },
        },
        {
            content: "Next decade",
            trigger: `${PICKER} .o_next`,
            run: "click",
        },
        {
            content: "The Jalali years 1410 to 1419",
            trigger: `${TITLE}:contains('۱۴۰۹ - ۱۴۲۰')`,
        },
        {
            content: "Zoom out to the century",
            trigger: `${PICKER} .o_zoom_out`,
            run: "click",
        },
        {
            content: "The Jalali decades of 1400",
            trigger: `${TITLE}:contains('۱۳۹۰ - ۱۵۰۰')`,
        },
        {
            content: "Back into the 1400s",
            trigger: `${TITLE}:contains('۱۳۹۰ - ۱۵۰۰')`,
            run: () => clickItem("۱۴۰۰"),
        },
        {
            content: "Pick the year 1404",
            trigger: `${TITLE}:contains('۱۳۹۹ - ۱۴۱۰')`,
            run: () => clickItem("۱۴۰۴"),
        },
        {
            content: "Pick Esfand",
            trigger: `${TITLE}:contains('۱۴۰۴')`,
            run: () => clickItem("اسفند"),
        },
        {
            content: "Esfand 1404 has 29 days, Farvardin 1405 follows",
            trigger: `${TITLE}:contains('اسفند ۱۴۰۴')`,
            run() {
                expectEqual(texts(TITLE), ["اسفند ۱۴۰۴", "فروردین ۱۴۰۵"], "The months shown");
                const grid = document.querySelector(`${PICKER} .o_date_picker`);
                expectEqual(texts("button.o_date_item_cell", grid).at(-1), "۲۹", "The last day of Esfand 1404");
            },
        },
    ],
});

/** An English user's range picker and zoom levels: Odoo's Gregorian ones. */
registry.category("web_tour.tours").add("web_jalali_gregorian_range", {
    steps: () => [
        {
            content: "Open the range picker",
            trigger: `${START}:value('12/02/2026')`,
            timeout: LOAD_TIMEOUT,
            run: "click",
        },
        {
            content: "December and January side by side",
            trigger: `${TITLE}:contains('January 2027')`,
            run() {
                expectEqual(texts(TITLE), ["December 2026", "January 2027"], "The range picker's months");
            },
        },
        {
            content: "Zoom out to the year",
            trigger: `${PICKER} .o_zoom_out`,
            run: "click",
        },
        {
            content: "The months of 2026",
            trigger: `${TITLE}:contains('2026')`,
            run() {
                const months = texts(`${PICKER} .o_date_item_picker .o_date_item_cell`);
                expectEqual([months[0], months[11]], ["Jan", "Dec"], "The months");
            },
        },
        {
            content: "Zoom out to the decade",
            trigger: `${PICKER} .o_zoom_out`,
            run: "click",
        },
        {
            content: "The years 2020 to 2029",
            trigger: `${TITLE}:contains('2019 - 2030')`,
        },
    ],
});

const NEXTCALL = ".o_field_widget[name=nextcall] input";

/** A Persian user picks a Jalali day and a time in a datetime picker. */
registry.category("web_tour.tours").add("web_jalali_persian_datetime", {
    steps: () => [
        {
            content: "Open the datetime picker",
            trigger: `${NEXTCALL}:value('۱۴۰۵/۰۹/۱۱')`,
            timeout: LOAD_TIMEOUT,
            run: "click",
        },
        {
            content: "Pick Azar 20th",
            trigger: `${TITLE}:contains('آذر ۱۴۰۵')`,
            run: () => clickDay(0, "۲۰"),
        },
        {
            content: "Pick 14 o'clock",
            trigger: `${PICKER} .o_time_picker_select:eq(0)`,
            run: "select 14",
        },
        {
            content: "Pick 30 minutes",
            trigger: `${PICKER} .o_time_picker_select:eq(1)`,
            run: "select 30",
        },
        {
            content: "Day and time taken",
            trigger: `${NEXTCALL}:value('۱۴۰۵/۰۹/۲۰ ۱۴:۳۰:۰۰')`,
        },
        {
            content: "Close the picker",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, shown in Jalali",
            trigger: `.o_form_saved ${NEXTCALL}:value('۱۴۰۵/۰۹/۲۰ ۱۴:۳۰:۰۰')`,
        },
    ],
});

const CALENDAR_TITLE = ".o_calendar_view h5";

/** Every day cell of the month grid shows the Jalali day of its Gregorian date. */
function checkJalaliCells() {
    const cells = [...document.querySelectorAll(".o_calendar_view td.fc-daygrid-day[data-date]")];
    if (cells.length < 28) {
        throw new Error(`Only ${cells.length} day cells`);
    }
    cells.forEach((cell, index) => {
        const [year, month, day] = cell.dataset.date.split("-").map(Number);
        const jalali = toJalali(year, month, day);
        const label = cell.querySelector(".fc-daygrid-day-top").textContent.trim();
        const expected = toPersianDigits(String(jalali.day));
        if (!(label === expected || (label.startsWith(`${expected} `) && (jalali.day === 1 || index === 0)))) {
            throw new Error(`The cell of ${cell.dataset.date} shows ${label}, not the Jalali day ${expected}`);
        }
    });
}

/**
 * A Persian user's calendar view on December 2026: Jalali titles, day numbers
 * and column headers, the activity on its Gregorian day, a Jalali popover.
 */
registry.category("web_tour.tours").add("web_jalali_persian_calendar", {
    steps: () => [
        {
            content: "The month's title names the Jalali months it spans",
            trigger: `${CALENDAR_TITLE}:contains('آذر - دی ۱۴۰۵')`,
            timeout: LOAD_TIMEOUT,
        },
        {
            content: "Every day cell shows its Jalali day; Dey 1st is named",
            trigger: ".o_calendar_view td.fc-daygrid-day[data-date='2026-12-22']:contains('۱ دی')",
            run: checkJalaliCells,
        },
        {
            content: "The activity is on its Gregorian day, December 2nd (Azar 11th)",
            trigger: ".o_calendar_view td.fc-daygrid-day[data-date='2026-12-02'] .o_event",
            run: "click",
        },
        {
            content: "The popover's date is Jalali",
            trigger: ".o_cw_popover:contains('۱۱ آذر ۱۴۰۵')",
        },
        {
            content: "Close the popover",
            trigger: ".o_cw_popover .o_cw_popover_close",
            run: "click",
        },
        {
            content: "Open the scales",
            trigger: ".o_view_scale_selector .scale_button_selection",
            run: "click",
        },
        {
            content: "Week scale",
            trigger: ".o_scale_button_week",
            run: "click",
        },
        {
            content: "The week (Saturday Azar 8th to Friday Azar 14th) is in Azar 1405",
            trigger: `${CALENDAR_TITLE}:contains('آذر ۱۴۰۵')`,
        },
        {
            content: "The column of December 2nd reads Azar 11th",
            trigger: ".o_calendar_view th[data-date='2026-12-02'] .o_cw_day_number:contains('۱۱')",
        },
        {
            content: "Open the scales",
            trigger: ".o_view_scale_selector .scale_button_selection",
            run: "click",
        },
        {
            content: "Day scale",
            trigger: ".o_scale_button_day",
            run: "click",
        },
        {
            content: "The day is Azar 11th, 1405",
            trigger: `${CALENDAR_TITLE}:contains('۱۱ آذر ۱۴۰۵')`,
        },
        {
            content: "Open the scales",
            trigger: ".o_view_scale_selector .scale_button_selection",
            run: "click",
        },
        {
            content: "Year scale",
            trigger: ".o_scale_button_year",
            run: "click",
        },
        {
            content: "The Gregorian year 2026 spans the Jalali years 1404 and 1405",
            trigger: `${CALENDAR_TITLE}:contains('۱۴۰۴ - ۱۴۰۵')`,
        },
        {
            content: "December's grid is titled with Azar and Dey, its days Jalali",
            trigger: ".o_calendar_view .fc-toolbar-title:contains('آذر - دی ۱۴۰۵')",
            run() {
                const month = this.anchor.closest(".fc");
                const day = month.querySelector("td.fc-daygrid-day[data-date='2026-12-02'] .fc-daygrid-day-top");
                expectEqual(day.textContent.trim(), "۱۱", "December 2nd's day number");
            },
        },
    ],
});

/** An English user's calendar view: Odoo's Gregorian titles and day numbers. */
registry.category("web_tour.tours").add("web_jalali_gregorian_calendar", {
    steps: () => [
        {
            content: "The month's title is Gregorian",
            trigger: `${CALENDAR_TITLE}:contains('December 2026')`,
            timeout: LOAD_TIMEOUT,
        },
        {
            content: "December 2nd shows 2",
            trigger: ".o_calendar_view td.fc-daygrid-day[data-date='2026-12-02'] .fc-daygrid-day-top",
            run() {
                expectEqual(this.anchor.textContent.trim(), "2", "The day number");
            },
        },
        {
            content: "The activity is on December 2nd",
            trigger: ".o_calendar_view td.fc-daygrid-day[data-date='2026-12-02'] .o_event",
        },
        {
            content: "Open the scales",
            trigger: ".o_view_scale_selector .scale_button_selection",
            run: "click",
        },
        {
            content: "Day scale",
            trigger: ".o_scale_button_day",
            run: "click",
        },
        {
            content: "The day is December 2nd, 2026",
            trigger: `${CALENDAR_TITLE}:contains('2 December 2026')`,
        },
    ],
});
