/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("lead_management_convert_lead", {
    steps: () => [
        {
            content: "Open the conversion wizard from the lead",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_convert_wizard]",
            run: "click",
        },
        {
            content: "The existing customer with the same email is proposed",
            trigger: ".modal .o_field_widget[name=match_summary]:contains('Tour Known Customer')",
        },
        {
            content: "Link to the proposed customer",
            trigger: ".modal .o_field_widget[name=partner_id] input:value('Tour Known Customer')",
        },
        {
            content: "Convert",
            trigger: ".modal footer button[name=action_convert]",
            run: "click",
        },
        {
            content: "The opportunity opens, on the known customer",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name=partner_id] input:value('Tour Known Customer')",
        },
        {
            content: "The new customer plan is scheduled",
            trigger: ".o-mail-Chatter .o-mail-Activity:contains('Welcome call')",
        },
    ],
});
