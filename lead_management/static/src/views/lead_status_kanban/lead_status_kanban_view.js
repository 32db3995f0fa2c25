import { registry } from "@web/core/registry";
import { deepEqual } from "@web/core/utils/objects";
import { crmKanbanView } from "@crm/views/crm_kanban/crm_kanban_view";

/**
 * The leads' kanban by status. The server folds the columns without leads
 * (crm.lead._read_group_fill_results); a new search (the Hot filter) folds
 * again the columns it leaves empty, instead of keeping those of the previous
 * search open.
 */
export class LeadStatusKanbanModel extends crmKanbanView.Model {
    _getNextConfig(currentConfig, params) {
        const config = super._getNextConfig(currentConfig, params);
        if ("domain" in params && !deepEqual(params.domain, currentConfig.domain)) {
            delete config.groups;
        }
        return config;
    }
}

export const leadStatusKanbanView = {
    ...crmKanbanView,
    Model: LeadStatusKanbanModel,
};

registry.category("views").add("lead_status_kanban", leadStatusKanbanView);
