import { registry } from "@web/core/registry";

const DATE_INPUT = ".o_form_view .o_field_widget[name=date_deadline] input";
const ROW = ".o_list_view .o_data_row:contains('Jalali tour activity')";

function checkText(element, expected) {
    const text = element.textContent.trim();
    if (text !== expected) {
        throw new Error(`The due date shown is ${JSON.stringify(text)}, not ${expected}`);
    }
}

/**
 * A Persian user (Solar Hijri calendar, Persian digits) reads the activity's
 * due date 2026-12-02 as ۱۴۰۵/۰۹/۱۱ in the list and the form, and types the
 * next day in Jalali; the test then reads the Gregorian day saved.
 */
registry.category("web_tour.tours").add("web_jalali_persian_dates", {
    steps: () => [
        {
            content: "The list shows the Jalali due date with Persian digits",
            trigger: `${ROW} td[name=date_deadline]:contains('۱۴۰۵/۰۹/۱۱')`,
        },
        {
            content: "Open the activity",
            trigger: `${ROW} td[name=summary]`,
            run: "click",
        },
        {
            content: "The form shows the same Jalali date",
            trigger: `${DATE_INPUT}:value('۱۴۰۵/۰۹/۱۱')`,
        },
        {
            content: "Type a day that does not exist: 1404 is not a leap year",
            trigger: DATE_INPUT,
            run: "edit ۱۴۰۴/۱۲/۳۰ && press Enter",
        },
        {
            content: "Refused with the reason, the date unchanged",
            // the Persian user reads the reason in Persian (fa.po)
            trigger: ".o_notification:contains('روزی از تقویم هجری شمسی نیست')",
            run() {
                const input = document.querySelector(DATE_INPUT);
                if (input.value !== "۱۴۰۵/۰۹/۱۱") {
                    throw new Error(`The refused date left ${input.value} in the field`);
                }
            },
        },
        {
            content: "Type the next day in the Jalali calendar, Persian digits",
            trigger: DATE_INPUT,
            run: "edit ۱۴۰۵/۰۹/۱۲",
        },
        {
            content: "The typed day is taken",
            trigger: ".o_form_view .o_form_label:contains('Due Date'), .o_form_view .o_field_widget[name=summary]",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, shown in Jalali",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=date_deadline] input:value('۱۴۰۵/۰۹/۱۲')",
        },
    ],
});

/** A Georgian or English user sees the Gregorian date, as without the addon. */
registry.category("web_tour.tours").add("web_jalali_gregorian_dates", {
    steps: () => [
        {
            content: "The list shows the Gregorian due date",
            trigger: `${ROW} td[name=date_deadline]`,
            run() {
                checkText(this.anchor, "12/02/2026");
            },
        },
        {
            content: "Open the activity",
            trigger: `${ROW} td[name=summary]`,
            run: "click",
        },
        {
            content: "The form shows the same Gregorian date",
            trigger: `${DATE_INPUT}:value('12/02/2026')`,
        },
    ],
});

const PICKER_TITLE = ".o_datetime_picker .o_datetime_picker_header .o_header_part";

/**
 * A Persian user's date picker: Azar 1405 with its weeks starting on Saturday,
 * Jalali month navigation, and the day picked saved as its Gregorian day.
 */
registry.category("web_tour.tours").add("web_jalali_persian_picker", {
    steps: () => [
        {
            content: "Open the activity",
            trigger: `${ROW} td[name=summary]`,
            run: "click",
        },
        {
            content: "Open the date picker",
            trigger: `${DATE_INPUT}:value('۱۴۰۵/۰۹/۱۱')`,
            run: "click",
        },
        {
            content: "The picker shows Azar 1405, weeks starting on Saturday",
            trigger: `${PICKER_TITLE}:contains('آذر ۱۴۰۵')`,
            run() {
                const weekdays = [...document.querySelectorAll(".o_datetime_picker .o_day_of_week_cell")].map(
                    (cell) => cell.title
                );
                const firstDay = weekdays[weekdays.length - 7];
                if (firstDay !== "شنبه") {
                    throw new Error(`The week starts on ${firstDay}, not Saturday: ${weekdays}`);
                }
                const first = document.querySelector(".o_datetime_picker button.o_date_item_cell");
                if (first.textContent.trim() !== "۱" || weekdays.indexOf(first.title) !== -1) {
                    // 1405/09/01 is a Sunday: the second column
                    const cells = [...first.parentElement.children].filter((cell) =>
                        cell.classList.contains("o_date_item_cell")
                    );
                    if (cells.indexOf(first) !== 1) {
                        throw new Error(`Azar 1st is in column ${cells.indexOf(first)}, not Sunday's`);
                    }
                }
            },
        },
        {
            content: "Next month: Dey 1405",
            trigger: ".o_datetime_picker .o_next",
            run: "click",
        },
        {
            content: "Back to Azar",
            trigger: `${PICKER_TITLE}:contains('دی ۱۴۰۵')`,
            run: "click .o_datetime_picker .o_previous",
        },
        {
            content: "Pick Azar 20th",
            trigger: `${PICKER_TITLE}:contains('آذر ۱۴۰۵')`,
            run() {
                const days = [...document.querySelectorAll(".o_datetime_picker button.o_date_item_cell")];
                days.find((button) => button.textContent.trim() === "۲۰").click();
            },
        },
        {
            content: "The picked day is shown in Jalali",
            trigger: `${DATE_INPUT}:value('۱۴۰۵/۰۹/۲۰')`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=date_deadline] input:value('۱۴۰۵/۰۹/۲۰')",
        },
    ],
});

/** A Persian user's chatter: the day of a message in the Jalali calendar. */
registry.category("web_tour.tours").add("web_jalali_persian_chatter", {
    steps: () => [
        {
            content: "Scroll to the chatter, below the form",
            trigger: ".o-mail-Chatter",
            run() {
                this.anchor.scrollIntoView();
            },
        },
        {
            content: "The day separator of the message is Khordad 11th, 1405",
            trigger: ".o-mail-Chatter .o-mail-DateSection:contains('۱۱ خرداد ۱۴۰۵')",
        },
        {
            content: "The message's full date is Jalali too",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Jalali chatter note') .o-mail-Message-date",
            run() {
                if (!this.anchor.title.includes("۱۴۰۵")) {
                    throw new Error(`The message's date is ${this.anchor.title}`);
                }
            },
        },
    ],
});
