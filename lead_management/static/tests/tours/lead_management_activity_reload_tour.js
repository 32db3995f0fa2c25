/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("lead_management_activity_reload", {
    steps: () => [
        {
            content: "A lead shows its Lead Score, not Odoo's probability of an opportunity",
            trigger: ".o_form_view:has(.o_field_widget[name=temperature]):not(:has(.o_field_widget[name=probability]))",
        },
        {
            content: "Open the Qualification page",
            trigger: ".o_notebook .nav-link:contains('Qualification')",
            run: "click",
        },
        {
            content: "The lead waits for its first response, no engagement yet",
            trigger: ".o_field_widget[name=sla_status]:contains('Pending')",
        },
        {
            trigger: "button[name=action_view_engagement] .o_stat_value:contains('0')",
        },
        {
            content: "Log a call from the chatter",
            trigger: ".o-mail-Chatter-activity",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=activity_type_id] input",
            run: "edit Call",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item:contains('Call')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=summary] input",
            run: "edit Called, interested",
        },
        {
            content: "Schedule it as done",
            trigger: ".modal button[name=action_schedule_activities_done]",
            run: "click",
        },
        {
            content: "The form shows the first response and the call without a reload",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=sla_status]:contains('Met')",
        },
        {
            trigger: "button[name=action_view_engagement] .o_stat_value:contains('1')",
        },
        {
            content: "The First Contact call is done",
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity:contains('First contact'))) .o-mail-Activity:contains('Call back about the quote')",
        },
        {
            content: "Mark the other call done",
            trigger: ".o-mail-Activity:contains('Call back about the quote') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label=Done]",
            run: "click",
        },
        {
            trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity))",
        },
        {
            content: "The engagement count follows at once",
            trigger: "button[name=action_view_engagement] .o_stat_value:contains('2')",
        },
    ],
});
