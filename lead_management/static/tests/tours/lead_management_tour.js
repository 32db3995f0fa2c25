/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("lead_management_status_kanban", {
    url: "/odoo/action-crm.crm_lead_all_leads",
    steps: () => [
        {
            content: "The leads open in the kanban by status",
            trigger: ".o_switch_view.o_kanban.active",
        },
        {
            content: "Leads are grouped by status, empty statuses included",
            trigger: ".o_kanban_group .o_column_title:contains('Attempted to Contact')",
        },
        {
            content: "Drag the lead to the Contacted column",
            trigger: ".o_kanban_group:has(.o_column_title:contains('New')) .o_kanban_record:contains('Tour Lead Tabriz')",
            run: "drag_and_drop (.o_kanban_group:has(.o_column_title:contains('Contacted')) .o_kanban_header)",
        },
        {
            content: "Open the lead from its new column",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Contacted')) .o_kanban_record:contains('Tour Lead Tabriz')",
            run: "click",
        },
        {
            content: "Open the Qualification page",
            trigger: ".o_notebook .nav-link:contains('Qualification')",
            run: "click",
        },
        {
            content: "Set the need",
            trigger: ".o_field_widget[name=need_level] select",
            run: 'select "high"',
        },
        {
            content: "Type a wrong national id",
            trigger: ".o_field_widget[name=national_id] input",
            run: "edit 0013542418",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The error names the field and the expected format",
            trigger: ".o_error_dialog:contains('10 digits with a valid check digit'), .o_dialog:contains('10 digits with a valid check digit')",
        },
        {
            content: "Close the error",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Fix the national id",
            trigger: ".o_field_widget[name=national_id] input",
            run: "edit 0013542419",
        },
        {
            content: "Save again",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
