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
            run: "edit Nurture",
        },
        {
            content: "Pick the first template",
            trigger: ".ui-autocomplete .dropdown-item:first",
            run: "click",
        },
        {
            content: "Save the step",
            trigger: ".modal .o_form_button_save, .modal .o_form_button_save_new",
            run: "click",
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
