/**
 * The grouped reads of a Jalali user's web client (pivot, graph, list and
 * kanban groups, kanban progress bars) ask the server for groups by Jalali
 * months, quarters and years (context key `jalali_groups`, see
 * models/base_read_group.py); a caller that set the key keeps its choice.
 */
import { ORM } from "@web/core/orm_service";
import { patch } from "@web/core/utils/patch";
import { isJalaliUser } from "../core/dates_patch";

const GROUPED_READS = new Set(["read_group", "web_read_group", "read_progress_bar"]);

patch(ORM.prototype, {
    call(model, method, args = [], kwargs = {}) {
        if (isJalaliUser() && GROUPED_READS.has(method) && !("jalali_groups" in (kwargs.context || {}))) {
            kwargs = { ...kwargs, context: { ...kwargs.context, jalali_groups: true } };
        }
        return super.call(model, method, args, kwargs);
    },
});
