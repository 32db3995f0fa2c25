import { Component, onWillDestroy, useState } from "@odoo/owl";
import { formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;

// under this many minutes left, the countdown turns orange
const SOON_MINUTES = 30;

/**
 * The time left before a deadline ("in 12 minutes", "3 minutes ago"), in the
 * user's language, refreshed every 30 seconds; red once the deadline passed.
 */
export class SlaCountdownField extends Component {
    static template = "lead_management.SlaCountdownField";
    static props = { ...standardFieldProps };

    setup() {
        this.state = useState({ now: DateTime.now() });
        const interval = setInterval(() => (this.state.now = DateTime.now()), 30000);
        onWillDestroy(() => clearInterval(interval));
    }

    get deadline() {
        return this.props.record.data[this.props.name];
    }

    get remaining() {
        return this.deadline.toRelative({ base: this.state.now });
    }

    get colorClass() {
        const minutesLeft = this.deadline.diff(this.state.now, "minutes").minutes;
        if (minutesLeft < 0) {
            return "text-danger fw-bold";
        }
        return minutesLeft < SOON_MINUTES ? "text-warning" : "text-muted";
    }

    get title() {
        return _t("First response due %(date)s", { date: formatDateTime(this.deadline) });
    }
}

export const slaCountdownField = {
    component: SlaCountdownField,
    displayName: _t("Countdown"),
    supportedTypes: ["datetime"],
};

registry.category("fields").add("lead_sla_countdown", slaCountdownField);
