/**
 * Chatter and Discuss dates of a Solar Hijri user: the day separators and the
 * message dates in the Jalali calendar. Per call (luxon's `outputCalendar`
 * option of `toLocaleString`), never luxon's global settings.
 */
import { Message } from "@mail/core/common/message_model";
import { user } from "@web/core/user";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import { isJalaliUser } from "../core/dates_patch";

const { DateTime } = luxon;

function jalaliOptions() {
    return {
        locale: user.lang,
        outputCalendar: "persian",
        numberingSystem: session.date_digits === "persian" ? "arabext" : "latn",
    };
}

patch(Message.prototype, {
    get dateDay() {
        if (!isJalaliUser()) {
            return super.dateDay;
        }
        const day = this.datetime.toLocaleString(DateTime.DATE_MED, jalaliOptions());
        return day === DateTime.now().toLocaleString(DateTime.DATE_MED, jalaliOptions()) ? _t("Today") : day;
    },

    get dateSimpleWithDay() {
        const now = DateTime.now();
        if (!isJalaliUser() || this.datetime.hasSame(now, "day") || this.datetime.hasSame(now.minus({ day: 1 }), "day")) {
            return super.dateSimpleWithDay;
        }
        return this.datetime.toLocaleString(DateTime.DATETIME_MED, jalaliOptions());
    },

    get datetimeShort() {
        if (!isJalaliUser()) {
            return super.datetimeShort;
        }
        return this.datetime.toLocaleString(DateTime.DATETIME_SHORT_WITH_SECONDS, jalaliOptions());
    },
});
