/**
 * Solar Hijri (Jalali) calendar conversions and formatting, by the browser's
 * ICU Persian calendar (`Intl.DateTimeFormat` with `-u-ca-persian`): no date
 * arithmetic of our own, and the same calendar as the browser's.
 *
 * Dates are handled as calendar days (year, month, day): the time and time
 * zone of a luxon DateTime are kept by the caller.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩";

const formatters = new Map();
function getFormatter(locale, options) {
    const key = `${locale}|${JSON.stringify(options)}`;
    if (!formatters.has(key)) {
        formatters.set(key, new Intl.DateTimeFormat(`${locale}-u-ca-persian-nu-latn`, {
            timeZone: "UTC",
            ...options,
        }));
    }
    return formatters.get(key);
}

/**
 * @param {number} year Gregorian year
 * @param {number} month Gregorian month (1-12)
 * @param {number} day Gregorian day of the month
 * @returns {{ year: number, month: number, day: number }} the Jalali day
 */
const jalaliDays = new Map();
export function toJalali(year, month, day) {
    const key = (year * 100 + month) * 100 + day;
    if (!jalaliDays.has(key)) {
        jalaliDays.set(key, computeJalali(year, month, day));
    }
    return jalaliDays.get(key);
}

function computeJalali(year, month, day) {
    const parts = getFormatter("en", { year: "numeric", month: "numeric", day: "numeric" })
        .formatToParts(new Date(Date.UTC(year, month - 1, day)));
    const number = (type) => parseInt(parts.find((part) => part.type === type).value, 10);
    return { year: number("year"), month: number("month"), day: number("day") };
}

/**
 * @param {number} year Jalali year
 * @param {number} month Jalali month (1-12)
 * @param {number} day Jalali day of the month
 * @returns {{ year: number, month: number, day: number } | null} the
 *  Gregorian day, or null when the Jalali day does not exist (1404/12/30)
 */
export function fromJalali(year, month, day) {
    if (!(month >= 1 && month <= 12 && day >= 1 && day <= (month <= 6 ? 31 : 30))) {
        return null;
    }
    // Farvardin 1st falls on March 20th or 21st: guess, then look around
    const dayOfYear = (month <= 7 ? (month - 1) * 31 : 186 + (month - 7) * 30) + day - 1;
    const guess = Date.UTC(year + 621, 2, 20) + dayOfYear * DAY_MS;
    for (const offset of [0, 1, -1, 2, -2]) {
        const date = new Date(guess + offset * DAY_MS);
        const jalali = toJalali(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
        if (jalali.year === year && jalali.month === month && jalali.day === day) {
            return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
        }
    }
    return null;
}

/**
 * @param {string} locale e.g. "fa-IR", "en-US"
 * @param {"long"|"short"} width
 * @returns {string[]} the twelve Jalali month names in that language
 */
const monthNames = new Map();
export function jalaliMonthNames(locale, width = "long") {
    const key = `${locale}|${width}`;
    if (monthNames.has(key)) {
        return monthNames.get(key);
    }
    const formatter = getFormatter(locale, { month: width });
    const names = [];
    // the 15th of each Jalali month of 1400 (1400/01/01 = 2021-03-21)
    for (let month = 1; month <= 12; month++) {
        const { year, month: gMonth, day } = fromJalali(1400, month, 15);
        names.push(formatter.format(new Date(Date.UTC(year, gMonth - 1, day))));
    }
    monthNames.set(key, names);
    return names;
}

/** @param {string} text @returns {string} text with Persian digits */
export function toPersianDigits(text) {
    return text.replace(/[0-9]/g, (digit) => PERSIAN_DIGITS[digit]);
}

/** @param {string} text @returns {string} text with Latin digits */
export function toLatinDigits(text) {
    return text
        .replace(/[۰-۹]/g, (digit) => String(PERSIAN_DIGITS.indexOf(digit)))
        .replace(/[٠-٩]/g, (digit) => String(ARABIC_DIGITS.indexOf(digit)));
}
