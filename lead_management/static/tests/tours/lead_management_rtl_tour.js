/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A user writing right to left (Persian) gets the web client laid out right
 * to left: Odoo's style sheets are written left to right and only their copy
 * converted by rtlcss turns the layout around.
 */
registry.category("web_tour.tours").add("lead_management_rtl", {
    steps: () => [
        {
            content: "The web client knows the user's language is written right to left",
            trigger: "body.o_rtl .o_main_navbar",
        },
        {
            content: "The salesperson's pipeline is shown",
            trigger: ".o_kanban_view .o_kanban_record:contains('RTL Tour Opportunity')",
        },
        {
            content: "The right-to-left style sheet is loaded and converted by rtlcss",
            trigger: ".o_main_navbar .o_navbar_apps_menu",
            run() {
                const stylesheets = [...document.querySelectorAll("link[rel=stylesheet]")].map(
                    (link) => link.getAttribute("href")
                );
                if (!stylesheets.some((href) => href.includes("/web.assets_web.rtl."))) {
                    throw new Error(`No right-to-left web.assets_web bundle among ${stylesheets}`);
                }
                // `.o_web_client { direction: ltr }` becomes rtl in the converted copy only
                const direction = getComputedStyle(document.body).direction;
                if (direction !== "rtl") {
                    throw new Error(`The web client is laid out ${direction}: rtlcss did not convert the style sheets`);
                }
                // physical properties are mirrored too: Bootstrap's margin-end is the left margin
                const probe = document.createElement("div");
                probe.className = "me-3";
                document.querySelector(".o_action_manager").appendChild(probe);
                const { marginLeft, marginRight } = getComputedStyle(probe);
                probe.remove();
                if (marginLeft === "0px" || marginRight !== "0px") {
                    throw new Error(`.me-3 has margin-left ${marginLeft} and margin-right ${marginRight}`);
                }
                const navbar = document.querySelector(".o_main_navbar").getBoundingClientRect();
                const appsMenu = this.anchor.getBoundingClientRect();
                if (appsMenu.left < navbar.left + navbar.width / 2) {
                    throw new Error("The apps menu is not on the right of the navigation bar");
                }
            },
        },
    ],
});
