/** @odoo-module **/

import { registry } from "@web/core/registry";
import { showIncomingCall } from "@lead_management/services/incoming_call_service";

/**
 * Whether the text of the element is laid out left to right on the screen:
 * its first character left of its last one ("041 3335 6677", not
 * "6677 3335 041"; "+98…", not "…98+").
 */
function readsLeftToRight(element) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
        if (walker.currentNode.textContent.trim()) {
            nodes.push(walker.currentNode);
        }
    }
    const charRect = (node, index) => {
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        return range.getBoundingClientRect();
    };
    const first = nodes[0];
    const last = nodes.at(-1);
    const firstRect = charRect(first, first.textContent.search(/\S/));
    const lastRect = charRect(last, last.textContent.trimEnd().length - 1);
    return firstRect.left < lastRect.left;
}

function assertLeftToRight(element, what) {
    if (!readsLeftToRight(element)) {
        throw new Error(`${what} "${element.textContent.trim()}" is laid out right to left`);
    }
    if (element.scrollWidth > element.clientWidth + 1) {
        throw new Error(`${what} "${element.textContent.trim()}" is cut`);
    }
}

/** An input or a cell showing a number: left to right, at the start (right) of a right-to-left page. */
function assertLeftToRightField(element, what) {
    const style = getComputedStyle(element);
    // an input is a paragraph of its own; other elements are isolated from the text around them
    const isolated = element.tagName === "INPUT" || ["isolate", "embed"].includes(style.unicodeBidi);
    if (style.direction !== "ltr" || !isolated) {
        throw new Error(`${what}: direction ${style.direction}, unicode-bidi ${style.unicodeBidi}`);
    }
    if (!["right", "end"].includes(style.textAlign)) {
        throw new Error(`${what} is aligned ${style.textAlign}, not at the start of the line`);
    }
}

const column = (index) => `.o_kanban_group:eq(${index})`;

registry.category("web_tour.tours").add("lead_management_rtl_urgent_leads", {
    steps: () => [
        {
            content: "My Urgent Leads opens the kanban by status, Hot filter on",
            trigger: ".o_lead_status_kanban .o_kanban_group .o_kanban_record:contains('RTL Hot Sooner')",
            run() {
                const groups = document.querySelectorAll(".o_kanban_group");
                const folded = [...groups].map((group) => group.classList.contains("o_column_folded"));
                // new, attempted, contacted, qualified, eager, not interested, junk, converted
                const expected = [false, true, true, true, true, true, true, true];
                if (JSON.stringify(folded) !== JSON.stringify(expected)) {
                    throw new Error(`Folded columns ${folded}, expected ${expected}`);
                }
            },
        },
        {
            content: "The hottest, best-scored, most urgent leads first",
            trigger: `${column(0)} .o_kanban_record:contains('RTL Hot Lower')`,
            run() {
                const expected = ["RTL Hot Sooner", "RTL Hot Later", "RTL Hot Lower"];
                const names = [...this.anchor.closest(".o_kanban_group").querySelectorAll(".o_kanban_record")].map(
                    (card) => expected.find((name) => card.textContent.includes(name))
                );
                if (JSON.stringify(names) !== JSON.stringify(expected)) {
                    throw new Error(`Cards in the order ${names}, expected ${expected}`);
                }
            },
        },
        {
            content: "The card counts down to the first-response deadline, in Persian",
            trigger: `${column(0)} .o_kanban_record:first .o_lead_sla_countdown`,
            run() {
                const text = this.anchor.textContent.trim();
                if (!text || /[A-Za-z]/.test(text)) {
                    throw new Error(`Countdown "${text}"`);
                }
            },
        },
        {
            content: "The phone number on the card reads left to right",
            trigger: `${column(0)} .o_kanban_record:first .o_field_phone a.o_form_uri`,
            run() {
                assertLeftToRight(this.anchor, "The phone");
                const field = this.anchor.closest(".o_field_phone").getBoundingClientRect();
                if (field.right - this.anchor.getBoundingClientRect().right > 2) {
                    throw new Error("The phone is not at the start (right) of the card");
                }
            },
        },
        {
            content: "Remove the Hot filter",
            trigger: ".o_searchview .o_facet_remove",
            run: "click",
        },
        {
            content: "The warm lead's column opens; the columns without leads stay folded",
            trigger: `${column(2)}:not(.o_column_folded) .o_kanban_record:contains('RTL Warm Contacted')`,
            run() {
                const folded = [...document.querySelectorAll(".o_kanban_group")].map((group) =>
                    group.classList.contains("o_column_folded")
                );
                const expected = [false, true, false, true, true, true, true, true];
                if (JSON.stringify(folded) !== JSON.stringify(expected)) {
                    throw new Error(`Folded columns ${folded}, expected ${expected}`);
                }
                const last = document.querySelectorAll(".o_kanban_group")[4].getBoundingClientRect();
                if (last.left < 0 || last.right > window.innerWidth) {
                    throw new Error(`The fifth column is cut: ${last.left} to ${last.right} of ${window.innerWidth}`);
                }
            },
        },
        {
            content: "Open the hottest lead",
            trigger: `${column(0)} .o_kanban_record:contains('RTL Hot Sooner')`,
            run: "click",
        },
        {
            content: "Phone numbers and e-mail read left to right, at the start of the line",
            trigger: ".o_form_view .o_field_widget[name=phone] input",
            run() {
                assertLeftToRightField(this.anchor, "The phone");
                assertLeftToRightField(document.querySelector(".o_field_widget[name=mobile] input"), "The mobile");
                assertLeftToRightField(
                    document.querySelector(".o_field_widget[name=email_from] input"), "The e-mail");
            },
        },
        {
            content: "Open the Qualification page",
            trigger: ".o_notebook .nav-link[name=lead_management_qualification]",
            run: "click",
        },
        {
            content: "The national id reads left to right",
            trigger: ".o_field_widget[name=national_id] input",
            run() {
                assertLeftToRightField(this.anchor, "The national id");
            },
        },
        {
            content: "Back to the leads",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first a",
            run: "click",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The phone numbers and e-mails of the list read left to right, whole",
            trigger: ".o_list_view .o_data_row:contains('RTL Hot Sooner') td[name=phone]",
            run() {
                const row = this.anchor.closest(".o_data_row");
                assertLeftToRight(row.querySelector("td[name=phone]"), "The phone");
                assertLeftToRight(row.querySelector("td[name=mobile]"), "The mobile");
                assertLeftToRightField(row.querySelector("td[name=email_from]"), "The e-mail");
            },
        },
    ],
});

// نام,موبایل — a Persian user's spreadsheet: "مریم رضایی", "0912 654 3210"
const CSV_BASE64 = "2YbYp9mFLNmF2YjYqNin24zZhArZhdix24zZhSDYsdi22KfbjNuMLDA5MTIgNjU0IDMyMTAK";

registry.category("web_tour.tours").add("lead_management_rtl_import_and_call", {
    steps: () => [
        {
            content: "Upload the file",
            trigger: ".modal .o_field_widget[name=file] input[type=file]:not(:visible)",
            async run() {
                const blob = await (await fetch(`data:text/csv;base64,${CSV_BASE64}`)).blob();
                const transfer = new DataTransfer();
                transfer.items.add(new File([blob], "exhibition.csv", { type: "text/csv" }));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The preview shows the number of the first row left to right, the name right to left",
            trigger: ".modal .o_field_widget[name=line_ids] td[name=sample]:contains('654')",
            run() {
                assertLeftToRight(this.anchor, "The sample number");
                const name = [...document.querySelectorAll(".modal td[name=sample]")].find((cell) =>
                    cell.textContent.includes("مریم")
                );
                if (readsLeftToRight(name)) {
                    throw new Error("The Persian name of the first row is laid out left to right");
                }
                const cell = this.anchor.getBoundingClientRect();
                const range = document.createRange();
                range.selectNodeContents(this.anchor);
                const text = range.getBoundingClientRect();
                if (cell.right - text.right > cell.width / 2) {
                    throw new Error("The sample number is not at the start (right) of its cell");
                }
            },
        },
        {
            content: "Close the import",
            trigger: ".modal footer button[special=cancel]",
            run: "click",
        },
        {
            content: "A call rings: the screen pop shows the caller's number",
            trigger: "body:not(:has(.modal))",
            run() {
                const { action, notification } = odoo.__WOWL_DEBUG__.root.env.services;
                showIncomingCall({ action, notification }, {
                    lead_id: 1, lead_name: "تماس از +989127778899", number: "+989127778899",
                    contact_name: "مریم", title: "تماس ورودی", call_status: "missed",
                });
            },
        },
        {
            content: "The number reads left to right, in the body and in the title",
            trigger: ".o_notification .o_notification_content:contains('989127778899')",
            run() {
                const notification = this.anchor.closest(".o_notification");
                for (const element of notification.querySelectorAll("[dir=ltr]")) {
                    assertLeftToRight(element, "The caller's number");
                }
                if (notification.querySelectorAll("[dir=ltr]").length !== 2) {
                    throw new Error("The number is not isolated in the title and the body");
                }
            },
        },
    ],
});
