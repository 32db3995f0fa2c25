from odoo import fields, models


class LeadManagementSettingsMixin(models.AbstractModel):
    """The addon's settings, shared by Settings (administrators) and the Lead
    Management configuration screen (sales managers): the same fields, stored
    in the same ir.config_parameter keys."""

    _name = "lead.management.settings.mixin"
    _description = "Lead Management Settings"

    lead_management_auto_assign = fields.Boolean(
        string="Assign New Leads by Territory",
        help="New leads without a salesperson, and leads whose address changes, are routed by territory; "
             "leads waiting in the queue are routed every 10 minutes as salespeople free up.")
    lead_management_sla_enabled = fields.Boolean(
        string="Response-Time Targets",
        help="Leads routed to a salesperson get a first-response deadline and a \"First contact\" activity; "
             "overdue ones are escalated. Off: routing only assigns.")
    lead_management_sla_hot_minutes = fields.Integer(
        string="Hot Leads (minutes)", config_parameter="lead_management.sla_hot_minutes", default=5)
    lead_management_sla_warm_minutes = fields.Integer(
        string="Warm Leads (minutes)", config_parameter="lead_management.sla_warm_minutes", default=240)
    lead_management_sla_cold_minutes = fields.Integer(
        string="Cold Leads (minutes)", config_parameter="lead_management.sla_cold_minutes", default=2880)
    lead_management_sla_reassign = fields.Boolean(
        string="Reassign Overdue Leads", config_parameter="lead_management.sla_reassign",
        help="A lead not answered in time goes to the next salesperson of its territory.")
    lead_management_followup_days = fields.Char(
        string="Post-Sale Follow-ups (days)",
        help="Days after a won deal when the salesperson gets a follow-up activity, separated by commas; "
             "empty: no follow-up.")

    lead_management_capture_match_days = fields.Integer(
        string="Matching Window (days)", config_parameter="lead_management.capture_match_days", default=90,
        help="A submission is added to the person's open lead updated within this many days, "
             "instead of opening a second lead; 0: open leads of any age.")
    lead_management_capture_match_customers = fields.Boolean(
        string="Recognize Returning Customers",
        help="A submission from an existing customer without an open lead opens a lead linked to the customer.")
    lead_management_capture_log_retention_days = fields.Integer(
        string="Keep Submissions (days)", config_parameter="lead_management.capture_log_retention_days", default=90,
        help="After this many days, what people submitted is erased from the capture log (personal data); "
             "0 keeps it.")
    lead_management_api_rate_per_minute = fields.Integer(
        string="Lead API Requests per Minute", config_parameter="lead_management.api_rate_per_minute", default=600,
        help="Per API key; beyond it the API answers 429 for the rest of the minute. 0: no limit.")
    lead_management_form_rate_per_ip = fields.Integer(
        string="Form Submissions per Minute and Address", config_parameter="lead_management.form_rate_per_ip",
        default=10, help="Beyond this, a visitor's address gets 429 for the rest of the minute. 0: no limit.")
    lead_management_api_phone_country_id = fields.Many2one(
        "res.country", string="Country of the Lead API's Numbers",
        config_parameter="lead_management.api_phone_country_id",
        help="Numbers the lead API receives without a country code, for leads without a country, are read as "
             "dialled in this country; empty: the company's.")
    lead_management_call_phone_country_id = fields.Many2one(
        "res.country", string="Country of Callers' Numbers", config_parameter="lead_management.call_phone_country_id",
        help="Numbers the telephone system sends without a country code are read as dialled in this country; "
             "empty: the company's.")
    lead_management_import_background_rows = fields.Integer(
        string="Import in the Background Above (rows)", config_parameter="lead_management.import_background_rows",
        default=2000, help="Larger files are imported by a background job, in batches. 0: always at once.")

    def _valid_field_parameter(self, field, name):
        return name == "config_parameter" or super()._valid_field_parameter(field, name)

    def _get_lead_management_values(self):
        """The settings stored other than by ``config_parameter``."""
        Lead = self.env["crm.lead"]
        return {
            "lead_management_auto_assign": Lead._is_auto_assign_enabled(),
            "lead_management_sla_enabled": Lead._is_sla_enabled(),
            "lead_management_capture_match_customers": Lead._is_capture_customer_matching_enabled(),
            "lead_management_followup_days": ",".join(str(days) for days in Lead._get_followup_days()),
        }

    def _set_lead_management_values(self):
        """Store the settings that default to something (on, "30,90", 90
        days) as they are: an unticked boolean, a cleared text or a 0 given
        to ``config_parameter`` would be deleted, then read back as the
        default."""
        # sudo: only administrators (Settings) and sales managers (the model's
        # access rights) reach this; it writes these keys only
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("lead_management.auto_assign", str(self.lead_management_auto_assign))
        params.set_param("lead_management.sla_enabled", str(self.lead_management_sla_enabled))
        params.set_param("lead_management.capture_match_customers", str(self.lead_management_capture_match_customers))
        # 0 means something (any age, kept forever, no limit): stored, not read back as the default
        for fname in ("capture_match_days", "capture_log_retention_days", "api_rate_per_minute", "form_rate_per_ip",
                      "import_background_rows"):
            params.set_param(f"lead_management.{fname}", str(self[f"lead_management_{fname}"]))
        # "0": no follow-up
        params.set_param("lead_management.followup_days", (self.lead_management_followup_days or "").strip() or "0")
