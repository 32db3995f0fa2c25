/**
 * The date picker of a Solar Hijri user: Jalali month grids (weeks starting on
 * Saturday, two months side by side for ranges), the Jalali months of a year,
 * the Jalali years of a decade and the decades of a century, with their
 * navigation and titles. The picked values stay luxon DateTimes of Gregorian
 * days, as for every user.
 */
import { DateTimePicker } from "@web/core/datetime/datetime_picker";
import { isInRange, today } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { fromJalali, jalaliMonthNames, toJalali, toLatinDigits, toPersianDigits } from "../core/jalali";
import { isJalaliUser } from "../core/dates_patch";
import { session } from "@web/session";

const { Info } = luxon;

const SATURDAY = 6;
const DAYS_PER_WEEK = 7;
const WEEKS_PER_MONTH = 6;

const digits = (value) =>
    session.date_digits === "persian" ? toPersianDigits(String(value)) : toLatinDigits(String(value));

/** The first day of the Jalali month `offset` months after the one of `date`. */
export function startOfJalaliMonth(date, offset = 0) {
    const jalali = toJalali(date.year, date.month, date.day);
    const index = jalali.year * 12 + jalali.month - 1 + offset;
    const gregorian = fromJalali(Math.floor(index / 12), (index % 12) + 1, 1);
    return date.set(gregorian).startOf("day");
}

/** The first day (1 Farvardin) of the Jalali year `offset` years after the one of `date`. */
export function startOfJalaliYear(date, offset = 0) {
    const { year } = toJalali(date.year, date.month, date.day);
    return date.set(fromJalali(year + offset, 1, 1)).startOf("day");
}

/** Jalali years (or decades) of a grid: one before and one after the ten shown. */
const GRID_COUNT = 10;
const GRID_MARGIN = 1;
/** Years of a grid cell and of the whole grid, by precision. */
const GRID_SPANS = { years: [1, 10], decades: [10, 100] };

function monthTitle(date) {
    const { year, month } = toJalali(date.year, date.month, date.day);
    return `${jalaliMonthNames(date.locale.split("-u-")[0])[month - 1]} ${digits(year)}`;
}

function dayItem(day, monthRange, { maxDate, minDate, isDateValid, dayCellClass }) {
    const range = [day, day.endOf("day")];
    return {
        id: day.toISODate(),
        includesToday: isInRange(today(), range),
        isOutOfRange: !isInRange(day, monthRange),
        isValid: isInRange(range, [minDate, maxDate]) && (isDateValid?.(day) ?? true),
        label: digits(toJalali(day.year, day.month, day.day).day),
        range,
        extraClass: dayCellClass?.(day) || "",
    };
}

/** Odoo's "days" items, of Jalali months. */
function jalaliMonthItems(focusDate, params) {
    const starts = [focusDate];
    if (params.additionalMonth) {
        starts.push(startOfJalaliMonth(focusDate, 1));
    }
    const months = starts.map((start, index) => {
        const monthRange = [start, startOfJalaliMonth(start, 1).minus({ millisecond: 1 })];
        let day = start.minus({ day: (start.weekday - SATURDAY + DAYS_PER_WEEK) % DAYS_PER_WEEK });
        const weeks = [];
        for (let w = 0; w < WEEKS_PER_MONTH; w++) {
            const days = [];
            for (let d = 0; d < DAYS_PER_WEEK; d++) {
                days.push(dayItem(day, monthRange, params));
                day = day.plus({ day: 1 });
            }
            weeks.push({ number: days[3].range[0].weekNumber, days });
        }
        const daysOfWeek = weeks[0].days.map(({ range: [date] }) => [
            date.weekdayShort,
            date.weekdayLong,
            Info.weekdays("narrow", { locale: date.locale })[date.weekday - 1],
        ]);
        if (params.showWeekNumbers) {
            daysOfWeek.unshift(["#", _t("Week numbers"), "#"]);
        }
        return { id: `__month__${index}`, number: toJalali(start.year, start.month, start.day).month, daysOfWeek, weeks };
    });
    // the sixth week only when a month has days in it
    if (!months.some((month) => month.weeks[WEEKS_PER_MONTH - 1].days.some((item) => !item.isOutOfRange))) {
        months.forEach((month) => month.weeks.pop());
    }
    return months;
}

/** Odoo's "months" items: the twelve months of the Jalali year. */
function jalaliYearItems(focusDate, { maxDate, minDate }) {
    const { year, month } = toJalali(focusDate.year, focusDate.month, focusDate.day);
    const firstMonth = startOfJalaliMonth(focusDate, 1 - month);
    const names = jalaliMonthNames(focusDate.locale.split("-u-")[0], "short");
    return names.map((name, index) => {
        const start = startOfJalaliMonth(firstMonth, index);
        const range = [start, startOfJalaliMonth(start, 1).minus({ millisecond: 1 })];
        return {
            id: `${year}-${index + 1}`,
            includesToday: isInRange(today(), range),
            isOutOfRange: false,
            isValid: isInRange(range, [minDate, maxDate]),
            label: name,
            range,
            extraClass: "",
        };
    });
}

/**
 * Odoo's "years" (a decade) and "decades" (a century) items, of Jalali years:
 * the grid starts at the Jalali year of `focusDate` rounded down to the span.
 */
function jalaliGrid(focusDate, precision, { maxDate, minDate }) {
    const [cellYears, gridYears] = GRID_SPANS[precision];
    const { year } = toJalali(focusDate.year, focusDate.month, focusDate.day);
    const firstYear = Math.floor(year / gridYears) * gridYears;
    const gridStart = startOfJalaliYear(focusDate, firstYear - year);
    const items = [];
    for (let i = -GRID_MARGIN; i < GRID_COUNT + GRID_MARGIN; i++) {
        const start = startOfJalaliYear(gridStart, i * cellYears);
        const range = [start, startOfJalaliYear(start, cellYears).minus({ millisecond: 1 })];
        items.push({
            id: start.toISODate(),
            includesToday: isInRange(today(), range),
            isOutOfRange: i < 0 || i >= GRID_COUNT,
            isValid: isInRange(range, [minDate, maxDate]),
            label: digits(firstYear + i * cellYears),
            range,
            extraClass: "",
        });
    }
    return {
        title: `${digits(firstYear - cellYears)} - ${digits(firstYear + gridYears)}`,
        items,
    };
}

patch(DateTimePicker.prototype, {
    adjustFocus(values, focusedDateIndex) {
        if (!isJalaliUser()) {
            return super.adjustFocus(...arguments);
        }
        if (!this.shouldAdjustFocusDate && this.state.focusDate) {
            return;
        }
        let dateToFocus = values[focusedDateIndex] || values[focusedDateIndex === 1 ? 0 : 1] || today();
        dateToFocus = startOfJalaliMonth(dateToFocus);
        if (this.additionalMonth && focusedDateIndex === 1 && values[0] && values[1]) {
            if (startOfJalaliMonth(values[0]).toISODate() !== startOfJalaliMonth(values[1]).toISODate()) {
                dateToFocus = startOfJalaliMonth(dateToFocus, -1);
            }
        }
        this.shouldAdjustFocusDate = false;
        this.state.focusDate = this.clamp(dateToFocus);
    },

    onWillRender() {
        super.onWillRender(...arguments);
        if (!isJalaliUser()) {
            return;
        }
        const { focusDate } = this.state;
        const params = {
            additionalMonth: this.additionalMonth,
            maxDate: this.maxDate,
            minDate: this.minDate,
            showWeekNumbers: this.props.showWeekNumbers ?? !this.props.range,
            isDateValid: this.props.isDateValid,
            dayCellClass: this.props.dayCellClass,
        };
        if (this.state.precision === "days") {
            this.title = [monthTitle(focusDate)];
            if (this.additionalMonth) {
                this.title.push(monthTitle(startOfJalaliMonth(focusDate, 1)));
            }
            this.items = jalaliMonthItems(focusDate, params);
        } else if (this.state.precision === "months") {
            this.title = digits(toJalali(focusDate.year, focusDate.month, focusDate.day).year);
            this.items = jalaliYearItems(focusDate, params);
        } else {
            const { title, items } = jalaliGrid(focusDate, this.state.precision, params);
            this.title = title;
            this.items = items;
        }
    },

    next(ev) {
        if (!isJalaliUser()) {
            return super.next(...arguments);
        }
        ev.preventDefault();
        this.state.focusDate = this.clamp(this.jalaliStep(1));
    },

    previous(ev) {
        if (!isJalaliUser()) {
            return super.previous(...arguments);
        }
        ev.preventDefault();
        this.state.focusDate = this.clamp(this.jalaliStep(-1));
    },

    /** The focus date `direction` (1 or -1) Jalali panels away from the current one. */
    jalaliStep(direction) {
        const { focusDate, precision } = this.state;
        if (precision === "days") {
            return startOfJalaliMonth(focusDate, direction);
        }
        if (precision === "months") {
            return startOfJalaliMonth(focusDate, 12 * direction);
        }
        return startOfJalaliYear(focusDate, GRID_SPANS[precision][1] * direction);
    },
});
