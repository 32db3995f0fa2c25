/** @odoo-module **/

import { registry } from "@web/core/registry";

// نام,موبایل,شهر — two leads, as a Persian user's spreadsheet names its columns
const CSV_BASE64 = "2YbYp9mFLNmF2YjYqNin24zZhCzYtNmH2LEKVG91ciBJbXBvcnQgT25lLDA5MTI1NTUwMDAxLFFvbQpUb3VyIEltcG9ydCBUd28sMDkxMjU1NTAwMDIsUmFzaHQK";

registry.category("web_tour.tours").add("lead_management_import_leads", {
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
            content: "The Persian headers are mapped",
            trigger: ".modal .o_field_widget[name=line_ids] tr:has(td:contains('موبایل')) td[name=field_name]:contains('Mobile')",
        },
        {
            content: "Test first",
            trigger: ".modal footer button[name=action_test]",
            run: "click",
        },
        {
            content: "The test counts two new leads, writing nothing",
            trigger: ".modal .o_lead_import_summary:contains('Test: nothing was written') .o_field_widget[name=created_count]:contains('2')",
        },
        {
            content: "Import",
            trigger: ".modal footer button[name=action_import]",
            run: "click",
        },
        {
            content: "Open the created leads",
            trigger: ".modal .o_lead_import_summary:contains('Imported') button[name=action_open_leads]:contains('Created')",
            run: "click",
        },
        {
            content: "Both leads are there",
            trigger: ".o_list_view .o_data_row:contains('Tour Import Two')",
        },
    ],
});
