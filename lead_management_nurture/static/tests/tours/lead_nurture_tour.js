import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("lead_management_nurture_create_cadence", {
    steps: () => [
        {
            content: "Create a cadence",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour cadence",
        },
        {
            content: "Add a step",
            trigger: ".o_field_widget[name='step_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Name the step",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Tour welcome",
        },
        {
            content: "Wait two days",
            trigger: ".modal .o_field_widget[name='delay'] input",
            run: "edit 2",
        },
        {
            content: "Choose the e-mail template",
            trigger: ".modal .o_field_widget[name='mail_template_id'] input",
            run: "edit welcome",
        },
        {
            content: "Pick the welcome template once the search has answered",
            trigger: ".ui-autocomplete .dropdown-item:contains('Nurture: cold B2B - welcome')",
            run: "click",
        },
        {
            content: "The template is set",
            trigger: ".modal .o_field_widget[name='mail_template_id'] input:value('Nurture: cold B2B - welcome')",
        },
        {
            content: "Save and close the step",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The step is listed",
            trigger: ".o_field_widget[name='step_ids'] .o_data_row:contains('Tour welcome')",
        },
        {
            content: "Save the cadence",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
