import { markup } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { escape } from "@web/core/utils/strings";

// a phone number in a text: "+98 912 777 8899", "(021) 8800-1234", "۰۹۱۲ ۶۵۴ ۳۲۱۰"
const DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9]";
const PHONE_NUMBER = new RegExp(`\\+?${DIGIT}(?:${DIGIT}|[\\s\\-().]){4,}${DIGIT}`, "g");

/**
 * The text, escaped, with its phone numbers isolated left to right: in a
 * right-to-left sentence "+989127778899" would read "989127778899+".
 */
export function isolatePhoneNumbers(text) {
    return markup(escape(text).replace(PHONE_NUMBER, '<span class="o_force_ltr" dir="ltr">$&</span>'));
}

/**
 * The "screen pop" of an incoming call: a notification with the caller's
 * lead and a button that opens it.
 */
export function showIncomingCall({ action, notification }, payload) {
    const close = notification.add(
        isolatePhoneNumbers([payload.contact_name, payload.number].filter(Boolean).join(" · ")),
        {
            title: isolatePhoneNumbers(`${payload.title}: ${payload.lead_name}`),
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
}

/**
 * Shows the screen pop when the telephone system reports a call to the
 * user's extension.
 */
export const incomingCallService = {
    dependencies: ["action", "bus_service", "notification"],
    start(env, { action, bus_service, notification }) {
        bus_service.subscribe("lead_management.incoming_call", (payload) =>
            showIncomingCall({ action, notification }, payload)
        );
    },
};

registry.category("services").add("lead_management.incoming_call", incomingCallService);
