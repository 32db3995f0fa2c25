/**
 * The calendar view of a Solar Hijri user: its titles, column headers, day
 * numbers and popover dates are Jalali, in the user's digits. The scales keep
 * Odoo's (Gregorian) ranges, and the events their Gregorian days: a month is
 * the grid of a Gregorian month whose title names the Jalali months it spans
 * ("آذر - دی ۱۴۰۵") and whose cells show Jalali days, the first day of a
 * Jalali month with its name ("۱ دی"); a year is a Gregorian year of Gregorian
 * month grids titled with the Jalali months they span.
 */
import { CalendarController } from "@web/views/calendar/calendar_controller";
import { CalendarCommonPopover } from "@web/views/calendar/calendar_common/calendar_common_popover";
import { CalendarCommonRenderer } from "@web/views/calendar/calendar_common/calendar_common_renderer";
import { CalendarYearRenderer } from "@web/views/calendar/calendar_year/calendar_year_renderer";
import { is24HourFormat } from "@web/core/l10n/dates";
import { patch } from "@web/core/utils/patch";
import { formatJalali, isJalaliUser } from "../core/dates_patch";
import { toJalali } from "../core/jalali";

const { DateTime } = luxon;

const jalali = (date) => toJalali(date.year, date.month, date.day);

/** Odoo's time of events, in the user's digits. */
const formatTime = (date) => formatJalali(date, is24HourFormat() ? "HH:mm" : "hh:mm a");

/** "آذر ۱۴۰۵", "آذر - دی ۱۴۰۵" or "اسفند ۱۴۰۴ - فروردین ۱۴۰۵": the Jalali months from `start` to `end`. */
export function jalaliMonthSpan(start, end) {
    const [first, last] = [jalali(start), jalali(end)];
    if (first.year !== last.year) {
        return `${formatJalali(start, "MMMM y")} - ${formatJalali(end, "MMMM y")}`;
    }
    if (first.month !== last.month) {
        return `${formatJalali(start, "MMMM")} - ${formatJalali(end, "MMMM y")}`;
    }
    return formatJalali(start, "MMMM y");
}

/** The label of a day cell: its Jalali day, with the month's name on the first day or the first cell. */
function jalaliDayLabel(date, isFirstCell) {
    return jalali(date).day === 1 || isFirstCell ? formatJalali(date, "d MMMM") : formatJalali(date, "d");
}

/**
 * The calendar day of a FullCalendar day cell: its date is the midnight of the
 * day in FullCalendar's time zone, luxon's default one (Odoo's `timeZone` option).
 */
const cellDay = (date) => DateTime.fromJSDate(date);

patch(CalendarController.prototype, {
    get currentDate() {
        const { scale } = this.model.meta;
        if (!isJalaliUser() || !this.env.isSmall || !["week", "month"].includes(scale)) {
            return super.currentDate;
        }
        const { rangeStart, rangeEnd } = this.model;
        if (scale === "week") {
            return ` - ${jalaliMonthSpan(rangeStart, rangeEnd)}`;
        }
        return ` - ${jalaliMonthSpan(this.date.startOf("month"), this.date.endOf("month"))}`;
    },

    get today() {
        return isJalaliUser() ? formatJalali(DateTime.now(), "d") : super.today;
    },

    get currentYear() {
        if (!isJalaliUser()) {
            return super.currentYear;
        }
        const [start, end] = [this.date.startOf("year"), this.date.endOf("year")];
        return `${formatJalali(start, "y")} - ${formatJalali(end, "y")}`;
    },

    get dayHeader() {
        return isJalaliUser() ? formatJalali(this.date, "d MMMM y") : super.dayHeader;
    },

    get weekHeader() {
        return isJalaliUser() ? jalaliMonthSpan(this.model.rangeStart, this.model.rangeEnd) : super.weekHeader;
    },

    get currentMonth() {
        if (!isJalaliUser()) {
            return super.currentMonth;
        }
        return jalaliMonthSpan(this.date.startOf("month"), this.date.endOf("month"));
    },
});

patch(CalendarCommonRenderer.prototype, {
    get options() {
        const options = super.options;
        if (isJalaliUser()) {
            options.dayCellContent = ({ date, view }) => {
                if (this.props.model.scale !== "month") {
                    return true;
                }
                const day = cellDay(date);
                const isFirstCell = +date === +view.activeStart;
                return { html: `<span>${jalaliDayLabel(day, isFirstCell)}</span>` };
            };
        }
        return options;
    },

    getStartTime(record) {
        return isJalaliUser() ? formatTime(record.start) : super.getStartTime(...arguments);
    },

    getEndTime(record) {
        return isJalaliUser() ? formatTime(record.end) : super.getEndTime(...arguments);
    },

    headerTemplateProps(date) {
        const props = super.headerTemplateProps(...arguments);
        if (isJalaliUser() && props.scale !== "month") {
            props.day = formatJalali(DateTime.fromJSDate(date), "d");
        }
        return props;
    },
});

patch(CalendarYearRenderer.prototype, {
    get options() {
        const options = super.options;
        if (isJalaliUser()) {
            options.titleFormat = ({ date }) => {
                const start = DateTime.utc(date.year, date.month + 1, 1);
                return jalaliMonthSpan(start, start.endOf("month"));
            };
            options.dayCellContent = ({ date, isOther }) =>
                isOther ? true : { html: `<span>${formatJalali(cellDay(date), "d")}</span>` };
        }
        return options;
    },
});

patch(CalendarCommonPopover.prototype, {
    computeDateTimeAndDuration() {
        super.computeDateTimeAndDuration(...arguments);
        const { start, end } = this.props.record;
        if (isJalaliUser() && this.time) {
            this.time = `${formatTime(start)} - ${formatTime(end)}`;
        }
        if (isJalaliUser() && this.date) {
            this.date = start.hasSame(end, "day")
                ? formatJalali(start, "DDD")
                : `${formatJalali(start, "DDD")} - ${formatJalali(end, "DDD")}`;
        }
    },
});
