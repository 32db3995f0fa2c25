/**
 * Spreadsheet pivots keep Odoo's Gregorian groups: their formulas and date
 * adapters key a month as "11/2026" from the group's first day.
 */
import { OdooPivotModel } from "@spreadsheet/pivot/pivot_model";
import { patch } from "@web/core/utils/patch";

patch(OdooPivotModel.prototype, {
    _getSubGroups(groupBys, params) {
        params.kwargs.context = { ...params.kwargs.context, jalali_groups: false };
        return super._getSubGroups(groupBys, params);
    },
});
