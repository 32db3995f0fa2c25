/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("lead_management_manager_config", {
    steps: () => [
        {
            content: "A sales manager creates a capture form",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Manager Form",
        },
        {
            content: "The fields a new form asks, readable by a sales manager",
            trigger: ".o_field_widget[name=field_ids] .o_data_row:nth-child(5)",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Open the embed tab",
            trigger: ".o_form_saved .o_notebook a.nav-link[name=embed]",
            run: "click",
        },
        {
            content: "The snippet has a Copy button",
            trigger: ".o_field_widget[name=embed_code] button.o_clipboard_button",
        },
        {
            content: "The snippet is shown line by line",
            trigger: ".o_field_code[name=embed_code] .ace_editor",
        },
        {
            content: "Open the Configuration menu",
            trigger: ".o_main_navbar button.dropdown-toggle:contains(Configuration)",
            run: "click",
        },
        {
            content: "Open the Lead Management settings",
            trigger: ".dropdown-item[data-menu-xmlid='lead_management.menu_lead_management_settings']",
            run: "click",
        },
        {
            content: "Untick the routing by territory",
            trigger: ".modal .o_field_widget[name=lead_management_auto_assign] input:checked",
            run: "click",
        },
        {
            content: "Save the settings",
            trigger: ".modal button[name=action_save]",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
