import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

/**
 * The "screen pop" of an incoming call: when the telephone system reports
 * a call to the user's extension, a notification shows the caller's lead
 * with a button that opens it.
 */
export const incomingCallService = {
    dependencies: ["action", "bus_service", "notification"],
    start(env, { action, bus_service, notification }) {
        bus_service.subscribe("lead_management.incoming_call", (payload) => {
            const close = notification.add(
                [payload.contact_name, payload.number].filter(Boolean).join(" · "),
                {
                    title: `${payload.title}: ${payload.lead_name}`,
                    type: payload.call_status === "answered" ? "info" : "warning",
                    sticky: true,
                    buttons: [
                        {
                            name: _t("Open Lead"),
                            primary: true,
                            onClick: () => {
                                close();
                                action.doAction({
                                    type: "ir.actions.act_window",
                                    res_model: "crm.lead",
                                    res_id: payload.lead_id,
                                    views: [[false, "form"]],
                                });
                            },
                        },
                    ],
                }
            );
        });
    },
};

registry.category("services").add("lead_management.incoming_call", incomingCallService);
