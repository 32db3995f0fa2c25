/**
 * Jalali dates for the users whose calendar is Solar Hijri: the date
 * formatters and parsers of `@web/core/l10n/dates` show and read Jalali days
 * in the user's date format and digits. Luxon's settings are left alone, so
 * serialization (`serializeDate`, `serializeDateTime`) stays Gregorian ISO
 * with Latin digits; other users get Odoo's own functions.
 *
 * The exports are replaced, not `patch()`ed: this module is loaded right after
 * `@web/session`, before the modules that import these functions (they keep the
 * function they import), and `@web/core/utils/patch` is not loaded yet then.
 */
import * as dates from "@web/core/l10n/dates";
import { localization } from "@web/core/l10n/localization";
import { _t } from "@web/core/l10n/translation";
import { session } from "@web/session";
import { fromJalali, jalaliMonthNames, toJalali, toLatinDigits, toPersianDigits } from "./jalali";

const { DateTime } = luxon;

const odooFormatDate = dates.formatDate;
const odooFormatDateTime = dates.formatDateTime;
const odooParseDate = dates.parseDate;
const odooParseDateTime = dates.parseDateTime;

/** The first Gregorian year typed dates may have: lower years are Jalali. */
export const MIN_GREGORIAN_YEAR = 1700;

export function isJalaliUser() {
    return session.date_calendar === "jalali";
}

function usesPersianDigits() {
    return session.date_digits === "persian";
}

function withUserDigits(text) {
    return usesPersianDigits() ? toPersianDigits(text) : toLatinDigits(text);
}

function baseLocale(locale) {
    return (locale || "en").split("-u-")[0];
}

/** Odoo's condensed format: months, days and hours without their leading 0. */
function condense(format) {
    return format
        .replace(/(^|[^M])M{2}([^M]|$)/, "$1M$2")
        .replace(/(^|[^d])d{2}([^d]|$)/, "$1d$2")
        .replace(/(^|[^H])H{2}([^H]|$)/, "$1H$2");
}

const tokenized = new Map();
/** Splits a luxon format into its tokens (runs of a letter) and literals. */
function tokenize(format) {
    if (!tokenized.has(format)) {
        tokenized.set(format, splitFormat(format));
    }
    return tokenized.get(format);
}

function splitFormat(format) {
    const tokens = [];
    let index = 0;
    while (index < format.length) {
        const char = format[index];
        if (char === "'") {
            const end = format.indexOf("'", index + 1);
            const stop = end === -1 ? format.length : end;
            tokens.push({ literal: format.slice(index + 1, stop) });
            index = stop + 1;
        } else if (/[a-z]/i.test(char)) {
            let stop = index;
            while (format[stop] === char) {
                stop++;
            }
            tokens.push({ token: format.slice(index, stop) });
            index = stop;
        } else {
            tokens.push({ literal: char });
            index++;
        }
    }
    return tokens;
}

const pad = (number, length) => String(number).padStart(length, "0");

const intlFormatters = new Map();

function intlJalali(value, options) {
    const locale = `${baseLocale(value.locale)}-u-ca-persian-nu-latn`;
    const key = `${locale}|${JSON.stringify(options)}`;
    if (!intlFormatters.has(key)) {
        intlFormatters.set(key, new Intl.DateTimeFormat(locale, { timeZone: "UTC", ...options }));
    }
    return intlFormatters.get(key).format(new Date(Date.UTC(value.year, value.month - 1, value.day)));
}

/**
 * Formats a luxon DateTime (already in the zone to show) with a luxon format,
 * its year, month and day tokens being those of the Jalali day.
 */
export function formatJalali(value, format) {
    const jalali = toJalali(value.year, value.month, value.day);
    const monthName = (width) => jalaliMonthNames(baseLocale(value.locale), width)[jalali.month - 1];
    const parts = tokenize(format).map(({ literal, token }) => {
        if (literal !== undefined) {
            return literal;
        }
        const length = token.length;
        switch (token[0]) {
            case "y":
                return length === 2 ? pad(jalali.year % 100, 2) : pad(jalali.year, length);
            case "M":
            case "L":
                if (length <= 2) {
                    return pad(jalali.month, length);
                }
                return length === 3 ? monthName("short") : monthName("long");
            case "d":
                return pad(jalali.day, length);
            case "H":
                return pad(value.hour, length);
            case "h":
                return pad(value.hour % 12 || 12, length);
            case "m":
                return pad(value.minute, length);
            case "s":
                return pad(value.second, length);
            case "q":
                return pad(Math.ceil(jalali.month / 3), length);
            case "D": {
                const options = { year: "numeric", day: "numeric" };
                options.month = ["numeric", "short", "long", "long"][Math.min(length, 4) - 1];
                if (length >= 4) {
                    options.weekday = "long";
                }
                return intlJalali(value, options);
            }
            default:
                // time, weekday, zone...: the same in both calendars
                return value.toFormat(token);
        }
    });
    return withUserDigits(parts.join(""));
}

dates.formatDate = function formatDate(value, options = {}) {
    if (!value || !isJalaliUser()) {
        const result = odooFormatDate(value, options);
        return usesPersianDigits() ? toPersianDigits(result) : result;
    }
    let format = options.format || localization.dateFormat;
    if (!options.format && options.condensed) {
        format = condense(format);
    }
    return formatJalali(value, format);
};

dates.formatDateTime = function formatDateTime(value, options = {}) {
    if (!value || !isJalaliUser()) {
        const result = odooFormatDateTime(value, options);
        return usesPersianDigits() ? toPersianDigits(result) : result;
    }
    let format = options.format;
    if (!format) {
        format =
            options.showSeconds === false
                ? `${localization.dateFormat} ${localization.shortTimeFormat}`
                : localization.dateTimeFormat;
        if (options.condensed) {
            format = condense(format);
        }
    }
    return formatJalali(value.setZone(options.tz || "default"), format);
};

//-----------------------------------------------------------------------------
// Parsing
//-----------------------------------------------------------------------------

const DATE_REGEX =
    /^(\d{1,4})\s*[/\-.\s]\s*(\d{1,2})\s*[/\-.\s]\s*(\d{1,4})(?:(?:\s+|T)(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s*(am|pm)?)?$/i;

const monthNamesByLocale = new Map();

/** [[lower-case month name, month number]] in fa, the user's locale and en, longest names first. */
function monthNamesPattern() {
    const userLocale = baseLocale(DateTime.local().locale);
    if (!monthNamesByLocale.has(userLocale)) {
        const names = new Map();
        for (const locale of new Set(["fa", userLocale, "en"])) {
            for (const width of ["long", "short"]) {
                jalaliMonthNames(locale, width).forEach((name, index) => names.set(name.toLowerCase(), index + 1));
            }
        }
        monthNamesByLocale.set(userLocale, [...names].sort((a, b) => b[0].length - a[0].length));
    }
    return monthNamesByLocale.get(userLocale);
}

let notifyInvalidDate = null;

/**
 * Sets the function telling the user why a typed date is refused: Odoo's date
 * inputs restore the previous value silently.
 *
 * @param {((message: string) => void) | null} notify
 */
export function setInvalidDateNotifier(notify) {
    notifyInvalidDate = notify;
}

function refuse(message) {
    notifyInvalidDate?.(message);
    return new dates.ConversionError(message);
}

/**
 * Reads a typed Jalali date: `۱۴۰۵/۰۹/۱۱`, `1405-09-11`, `11 آذر 1405`, in the
 * user's format order when the year is last. Returns null when the text is not
 * such a date or is a Gregorian one (year >= 1700), throws when it names a day
 * that does not exist.
 */
function parseJalali(value, options) {
    const hasPersian = /[۰-۹٠-٩]/.test(value);
    if (hasPersian && /[0-9]/.test(value)) {
        throw refuse(_t("'%s' mixes Latin and Persian digits: type the date with one kind of digits.", value));
    }
    let text = toLatinDigits(value).trim().replace(/\s+/g, " ");
    let fromName = false;
    for (const [name, number] of monthNamesPattern()) {
        const index = text.toLowerCase().indexOf(name);
        if (index !== -1) {
            // "11 آذر 1405" -> "11/9/1405"
            text = `${text.slice(0, index).trim()}/${number}/${text.slice(index + name.length).trim()}`;
            text = text.replace(/^\//, "").replace(/,/g, "");
            fromName = true;
            break;
        }
    }
    const match = text.match(DATE_REGEX);
    if (!match) {
        return null;
    }
    const [first, second, third] = match.slice(1, 4).map((part) => parseInt(part, 10));
    let year, month, day;
    if (match[1].length >= 3) {
        [year, month, day] = [first, second, third];
    } else if (match[3].length >= 3) {
        const format = options.format || localization.dateFormat;
        const monthFirst = !fromName && format.search(/[ML]/) < format.search(/d/);
        [month, day] = monthFirst ? [first, second] : [second, first];
        year = third;
    } else {
        return null;
    }
    if (year >= MIN_GREGORIAN_YEAR) {
        return null;
    }
    const gregorian = fromJalali(year, month, day);
    if (!gregorian) {
        throw refuse(
            _t("'%(value)s' is not a day of the Solar Hijri calendar: %(year)s/%(month)s has no day %(day)s.", {
                value,
                year: withUserDigits(String(year)),
                month: withUserDigits(String(month)),
                day: withUserDigits(String(day)),
            })
        );
    }
    let hour = parseInt(match[4] || "0", 10);
    if (match[7] && match[7].toLowerCase() === "pm" && hour < 12) {
        hour += 12;
    } else if (match[7] && match[7].toLowerCase() === "am" && hour === 12) {
        hour = 0;
    }
    return DateTime.fromObject(
        { ...gregorian, hour, minute: parseInt(match[5] || "0", 10), second: parseInt(match[6] || "0", 10) },
        { zone: options.tz || "default" }
    );
}

/** Refuses what Odoo's parser read as a year below 1700: a Jalali date misread. */
function checkGregorian(value, result) {
    if (result && result.year < MIN_GREGORIAN_YEAR) {
        throw refuse(
            _t(
                "'%s' is not a correct date: type a Solar Hijri date such as 1405/09/11, or a Gregorian date from the year 1700.",
                value
            )
        );
    }
    return result;
}

dates.parseDateTime = function parseDateTime(value, options = {}) {
    if (!value || !isJalaliUser()) {
        return odooParseDateTime(usesPersianDigits() ? toLatinDigits(value) : value, options);
    }
    const jalali = parseJalali(value, { ...options, format: options.format || localization.dateTimeFormat });
    if (jalali) {
        return jalali;
    }
    return checkGregorian(value, odooParseDateTime(toLatinDigits(value), options));
};

dates.parseDate = function parseDate(value, options = {}) {
    if (!value || !isJalaliUser()) {
        return odooParseDate(usesPersianDigits() ? toLatinDigits(value) : value, options);
    }
    const jalali = parseJalali(value, { ...options, format: options.format || localization.dateFormat });
    if (jalali) {
        return jalali.startOf("day");
    }
    return checkGregorian(value, odooParseDate(toLatinDigits(value), options));
};
