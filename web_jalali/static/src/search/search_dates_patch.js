/**
 * Jalali periods in the date filters of the search for the users whose
 * calendar is Solar Hijri: the month options are Jalali months (Persian names),
 * the quarters are Jalali quarters (Q1 = Farvardin to Khordad), the years are
 * Jalali years, in the user's digits; the domain sent to the server holds the
 * Gregorian bounds of these periods, and the facets their Jalali names. The
 * comparisons (previous period, previous year) shift Jalali periods. Other
 * users get Odoo's own functions.
 *
 * The exports `getPeriodOptions` and `constructDateDomain` are replaced, not
 * `patch()`ed: the search model keeps the functions it imports, so this module
 * is loaded before `@web/search/search_model` (see the manifest).
 */
import { Domain } from "@web/core/domain";
import { serializeDate, serializeDateTime } from "@web/core/l10n/dates";
import { clamp } from "@web/core/utils/numbers";
import { pick } from "@web/core/utils/objects";
import * as searchDates from "@web/search/utils/dates";
import { session } from "@web/session";
import { isJalaliUser } from "../core/dates_patch";
import { fromJalali, jalaliMonthNames, toJalali, toLatinDigits, toPersianDigits } from "../core/jalali";

const { QUARTERS, QUARTER_OPTIONS, COMPARISON_OPTIONS, PER_YEAR, sortPeriodOptions, toGeneratorId } =
    searchDates;

const odooGetPeriodOptions = searchDates.getPeriodOptions;
const odooConstructDateDomain = searchDates.constructDateDomain;

const MONTHS_PER_GRANULARITY = { year: 12, quarter: 3, month: 1 };

function withUserDigits(text) {
    return session.date_digits === "persian" ? toPersianDigits(text) : toLatinDigits(text);
}

function jalaliToday(referenceMoment) {
    return toJalali(referenceMoment.year, referenceMoment.month, referenceMoment.day);
}

function monthName(referenceMoment, month) {
    const locale = (referenceMoment.locale || "en").split("-u-")[0];
    return jalaliMonthNames(locale, "long")[month - 1];
}

/**
 * @param {luxon.DateTime} referenceMoment gives the zone of the result
 * @param {number} monthIndex Jalali year * 12 + Jalali month - 1
 * @returns {luxon.DateTime} the start of the first day of that Jalali month
 */
function startOfJalaliMonth(referenceMoment, monthIndex) {
    const { year, month, day } = fromJalali(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, 1);
    return referenceMoment.set({ year, month, day }).startOf("day");
}

/** The period options of a date filter, in Jalali months, quarters and years. */
export function getJalaliPeriodOptions(referenceMoment, optionsParams) {
    const { startYear, endYear, startMonth, endMonth, customOptions } = optionsParams;
    const today = jalaliToday(referenceMoment);
    const months = [];
    for (let monthOffset = startMonth; monthOffset <= endMonth; monthOffset++) {
        const index = today.year * 12 + today.month - 1 + monthOffset + 12 * clamp(0, startYear, endYear);
        const yearOffset = Math.floor(index / 12) - today.year;
        months.push({
            id: toGeneratorId("month", monthOffset),
            defaultYearId: toGeneratorId("year", clamp(yearOffset, startYear, endYear)),
            description: monthName(referenceMoment, (index % 12) + 1),
            granularity: "month",
            groupNumber: 1,
            plusParam: { months: monthOffset },
        });
    }
    const defaultYearId = toGeneratorId("year", clamp(0, startYear, endYear));
    const quarters = Object.values(QUARTER_OPTIONS).map((quarter) => ({
        ...quarter,
        description: withUserDigits(quarter.description.toString()),
        defaultYearId,
    }));
    const years = [];
    for (let offset = startYear; offset <= endYear; offset++) {
        years.push({
            id: toGeneratorId("year", offset),
            description: withUserDigits(String(today.year + offset)),
            granularity: "year",
            groupNumber: 2,
            plusParam: { years: offset },
        });
    }
    const customs = customOptions.map((option) => ({
        id: option.id,
        description: option.description,
        granularity: "withDomain",
        groupNumber: 3,
        domain: option.domain,
    }));
    return [...months.reverse(), ...quarters, ...years.reverse(), ...customs];
}

/** The selected options by granularity, their setParam in Jalali months and years. */
function getJalaliSelectedOptions(referenceMoment, searchItem, selectedOptionIds) {
    const today = jalaliToday(referenceMoment);
    const selectedOptions = { year: [] };
    const periodOptions = getJalaliPeriodOptions(referenceMoment, searchItem.optionsParams);
    for (const optionId of selectedOptionIds) {
        const option = periodOptions.find((option) => option.id === optionId);
        const granularity = option.granularity;
        selectedOptions[granularity] ||= [];
        if (option.domain) {
            selectedOptions[granularity].push(pick(option, "domain", "description"));
            continue;
        }
        let setParam;
        if (granularity === "quarter") {
            setParam = option.setParam;
        } else if (granularity === "month") {
            setParam = { month: ((((today.month - 1 + option.plusParam.months) % 12) + 12) % 12) + 1 };
        } else {
            setParam = { year: today.year + option.plusParam.years };
        }
        selectedOptions[granularity].push({ granularity, setParam });
    }
    return selectedOptions;
}

/** Odoo's getComparisonParams, on the Jalali selected options. */
function getJalaliComparisonParams(referenceMoment, searchItem, selectedOptionIds, comparisonOptionId) {
    const comparisonOption = COMPARISON_OPTIONS[comparisonOptionId];
    const selectedOptions = getJalaliSelectedOptions(referenceMoment, searchItem, selectedOptionIds);
    if (comparisonOption.plusParam) {
        return [comparisonOption.plusParam, selectedOptions];
    }
    let globalGranularity = "year";
    if (selectedOptions.month) {
        globalGranularity = "month";
    } else if (selectedOptions.quarter) {
        globalGranularity = "quarter";
    }
    const years = selectedOptions.year.map((o) => o.setParam.year);
    let optionMin = 0;
    let optionMax = 0;
    if (selectedOptions.quarter) {
        const quarters = selectedOptions.quarter.map((o) => o.setParam.quarter);
        if (globalGranularity === "month") {
            delete selectedOptions.quarter;
            for (const quarter of quarters) {
                for (const month of QUARTERS[quarter].coveredMonths) {
                    if (!selectedOptions.month.some((o) => o.setParam.month === month)) {
                        selectedOptions.month.push({ setParam: { month }, granularity: "month" });
                    }
                }
            }
        } else {
            optionMin = Math.min(...quarters);
            optionMax = Math.max(...quarters);
        }
    }
    if (selectedOptions.month) {
        const months = selectedOptions.month.map((o) => o.setParam.month);
        optionMin = Math.min(...months);
        optionMax = Math.max(...months);
    }
    const count =
        -1 +
        PER_YEAR[globalGranularity] * (Math.min(...years) - Math.max(...years)) +
        optionMin -
        optionMax;
    return [{ [`${globalGranularity}s`]: count }, selectedOptions];
}

/**
 * The domain and description of one Jalali period: a year, or a quarter or
 * month of a year (setParam), shifted by plusParam (years, quarters, months).
 */
export function constructJalaliDateRange(params) {
    const { referenceMoment, fieldName, fieldType, granularity, setParam, plusParam } = params;
    const today = jalaliToday(referenceMoment);
    const length = MONTHS_PER_GRANULARITY[granularity];
    let month = setParam.month || today.month;
    if ("quarter" in setParam) {
        month = QUARTERS[setParam.quarter].coveredMonths[0];
    }
    const { years = 0, quarters = 0, months = 0 } = plusParam || {};
    let start = (setParam.year || today.year) * 12 + month - 1 + years * 12 + quarters * 3 + months;
    start -= (start % 12) % length;
    const leftDate = startOfJalaliMonth(referenceMoment, start);
    const rightDate = startOfJalaliMonth(referenceMoment, start + length).minus({ days: 1 }).endOf("day");
    const serialize = fieldType === "date" ? serializeDate : serializeDateTime;
    const domain = new Domain([
        "&",
        [fieldName, ">=", serialize(leftDate)],
        [fieldName, "<=", serialize(rightDate)],
    ]);
    // as Jalali dates are written: month name, then year
    const descriptions = [withUserDigits(String(Math.floor(start / 12)))];
    if (granularity === "month") {
        descriptions.unshift(monthName(referenceMoment, (start % 12) + 1));
    } else if (granularity === "quarter") {
        descriptions.unshift(withUserDigits(QUARTERS[(start % 12) / 3 + 1].description.toString()));
    }
    return { domain, description: descriptions.join(" ") };
}

/** Odoo's constructDateDomain, on Jalali periods. */
export function constructJalaliDateDomain(referenceMoment, searchItem, selectedOptionIds, comparisonOptionId) {
    let plusParam;
    let selectedOptions;
    if (comparisonOptionId) {
        [plusParam, selectedOptions] = getJalaliComparisonParams(
            referenceMoment,
            searchItem,
            selectedOptionIds,
            comparisonOptionId
        );
    } else {
        selectedOptions = getJalaliSelectedOptions(referenceMoment, searchItem, selectedOptionIds);
    }
    if ("withDomain" in selectedOptions) {
        return {
            description: selectedOptions.withDomain[0].description,
            domain: Domain.and([selectedOptions.withDomain[0].domain, searchItem.domain]),
        };
    }
    const yearOptions = selectedOptions.year;
    const otherOptions = [...(selectedOptions.quarter || []), ...(selectedOptions.month || [])];
    sortPeriodOptions(yearOptions);
    sortPeriodOptions(otherOptions);
    const { fieldName, fieldType } = searchItem;
    const ranges = [];
    for (const yearOption of yearOptions) {
        for (const option of otherOptions.length ? otherOptions : [yearOption]) {
            ranges.push(
                constructJalaliDateRange({
                    referenceMoment,
                    fieldName,
                    fieldType,
                    plusParam,
                    granularity: option.granularity,
                    setParam: { ...yearOption.setParam, ...option.setParam },
                })
            );
        }
    }
    const domain = Domain.and([
        Domain.combine(
            ranges.map((range) => range.domain),
            "OR"
        ),
        searchItem.domain,
    ]);
    return { domain, description: ranges.map((range) => range.description).join("/") };
}

searchDates.getPeriodOptions = function getPeriodOptions(referenceMoment, optionsParams) {
    if (isJalaliUser()) {
        return getJalaliPeriodOptions(referenceMoment, optionsParams);
    }
    return odooGetPeriodOptions(referenceMoment, optionsParams);
};

searchDates.constructDateDomain = function constructDateDomain(
    referenceMoment,
    searchItem,
    selectedOptionIds,
    comparisonOptionId
) {
    if (isJalaliUser()) {
        return constructJalaliDateDomain(referenceMoment, searchItem, selectedOptionIds, comparisonOptionId);
    }
    return odooConstructDateDomain(referenceMoment, searchItem, selectedOptionIds, comparisonOptionId);
};
