/** @odoo-module **/

import { registry } from "@web/core/registry";

/** Whether the text of ``element`` is laid out left to right: its first character left of its last one. */
function readsLeftToRight(element) {
    const text = [...element.querySelectorAll("*"), element]
        .flatMap((node) => [...node.childNodes])
        .filter((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    const charRect = (node, index) => {
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        return range.getBoundingClientRect();
    };
    const first = text[0];
    const last = text.at(-1);
    return (
        charRect(first, first.textContent.search(/\S/)).left <
        charRect(last, last.textContent.trimEnd().length - 1).left
    );
}

/**
 * No English left in the labels, buttons and tabs of the screen (names, e-mails and numbers are data;
 * acronyms such as SLA, BANT or MQL read the same in Persian).
 */
function assertNoEnglish(selector) {
    const english = [...document.querySelectorAll(selector)]
        .map((element) => element.textContent.trim())
        .filter((text) => /[A-Za-z]*[a-z][A-Za-z]*/.test(text));
    if (english.length) {
        throw new Error(`English on a Persian screen: ${JSON.stringify(english)}`);
    }
}

const CARD = ".o_kanban_record:contains('کاشی تبریز')";
const LABELS =
    ".o_form_view .o_form_label, .o_form_view .o_statusbar_buttons button, .o_form_view .o_notebook .nav-link, " +
    ".o_form_view .o_stat_text";

registry.category("web_tour.tours").add("lead_management_persian_walkthrough", {
    steps: () => [
        {
            content: "The Leads menu opens the kanban by status, right to left",
            trigger: `.o_lead_status_kanban .o_kanban_group:first ${CARD}`,
            run() {
                if (document.documentElement.getAttribute("dir") !== "rtl" && getComputedStyle(document.body).direction !== "rtl") {
                    throw new Error("The web client is not right to left");
                }
                const column = this.anchor.closest(".o_kanban_group");
                const first = column.querySelector(".o_kanban_record");
                if (first !== this.anchor) {
                    throw new Error(`The hot lead is not on top: ${first.textContent.trim()}`);
                }
            },
        },
        {
            content: "Its card counts down to the response deadline",
            trigger: `${CARD} .o_lead_sla_countdown`,
        },
        {
            content: "The mobile reads left to right on the card",
            trigger: `${CARD} .o_field_widget[name=mobile] a`,
            run() {
                if (!readsLeftToRight(this.anchor)) {
                    throw new Error(`"${this.anchor.textContent.trim()}" is laid out right to left`);
                }
            },
        },
        {
            content: "Open the lead",
            trigger: CARD,
            run: "click",
        },
        {
            content: "The form waits for the first response, in Persian",
            trigger: ".o_form_view .o-mail-Activity:contains('اولین تماس')",
            run() {
                assertNoEnglish(LABELS);
            },
        },
        {
            content: "The mobile reads left to right on the form",
            trigger: ".o_form_view .o_field_widget[name=mobile]",
            run() {
                const input = this.anchor.querySelector("input");
                if (input && getComputedStyle(input).direction !== "ltr") {
                    throw new Error("The mobile is not left to right");
                }
            },
        },
        {
            content: "Log the call: the First Contact activity is done",
            trigger: ".o-mail-Activity:contains('اولین تماس') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit تماس گرفتم، خریدار است",
        },
        {
            content: "Done (the button of a suggested next activity's type, whatever its label)",
            trigger: ".o-mail-ActivityMarkAsDone button.btn-primary.mx-2",
            run: "click",
        },
        {
            content: "The First Contact is done and the form shows the response at once",
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity:contains('اولین تماس')))",
        },
        {
            trigger: ".o_notebook .nav-link:contains('ارزیابی صلاحیت')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=sla_status]:contains('رعایت‌شده')",
        },
        {
            content: "Convert the lead",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_convert_wizard]",
            run: "click",
        },
        {
            trigger: ".modal footer button[name=action_convert]",
            run() {
                assertNoEnglish(".modal .o_form_label, .modal footer button, .modal .modal-title");
                this.anchor.click();
            },
        },
        {
            content: "The opportunity opens, in Persian",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name=partner_id] input:value('کاشی تبریز')",
            run() {
                assertNoEnglish(LABELS);
            },
        },
    ],
});
