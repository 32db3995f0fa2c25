from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import parse_contact_from_email

from ..tools.normalize import normalize_digits

PARTNER_CANDIDATE_LIMIT = 5


class CrmLead(models.Model):
    """Conversion into contact, organization and opportunity (see
    lead.convert.wizard), the customer matching it relies on, and the
    follow-ups of won deals."""

    _inherit = "crm.lead"

    # shown on the lead; the Sales Cycle report computes its own, in SQL
    days_to_convert = fields.Float(
        compute="_compute_days_to_convert", help="Days from the creation of the lead to its conversion.")

    @api.depends("create_date", "date_conversion")
    def _compute_days_to_convert(self):
        for lead in self:
            if lead.create_date and lead.date_conversion:
                lead.days_to_convert = max((lead.date_conversion - lead.create_date).total_seconds() / 86400, 0.0)
            else:
                lead.days_to_convert = 0.0

    def action_open_convert_wizard(self):
        """Open the conversion wizard on these leads (button "Convert")."""
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.action_lead_convert_wizard")
        action["context"] = {"active_model": "crm.lead", "active_ids": self.ids}
        return action

    def _convert_opportunity_data(self, customer, team_id=False):
        values = super()._convert_opportunity_data(customer, team_id=team_id)
        values["lead_status"] = "converted"
        return values

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        """Carry the qualification onto the customer: the organization gets
        the company facts (economic code, industry, size), the person the
        national id; both get the specialties."""
        values = super()._prepare_customer_values(partner_name, is_company=is_company, parent_id=parent_id)
        values["specialty_ids"] = [Command.set(self.specialty_ids.ids)]
        if is_company or not self.partner_name:   # the organization, or a person buying for themselves
            values.update(vat=self.vat, industry_id=self.industry_id.id, company_size=self.company_size)
        if not is_company:
            values["national_id"] = self.national_id
        return values

    def _get_partner_candidates(self):
        """Existing customers matching this lead, best first: by economic
        code, national id, normalized email, then either phone number.

        :return: list of (res.partner, reason) without repeated partners
        """
        self.ensure_one()
        Partner = self.env["res.partner"]
        numbers = self._get_sanitized_numbers()
        keys = [
            (self.vat and [("vat", "=", self.vat)], self.env._("Same economic code")),
            (self.national_id and [("national_id", "=", self.national_id)], self.env._("Same national ID")),
            (self.email_normalized and [("email_normalized", "=", self.email_normalized)], self.env._("Same email")),
            (numbers and ["|", ("phone_sanitized", "in", numbers), ("secondary_phone_sanitized", "in", numbers)],
             self.env._("Same phone")),
        ]
        candidates = {}
        for domain, reason in keys:
            if not domain:
                continue
            # companies before their contacts when both match, then the oldest
            for partner in Partner.search(domain, order="is_company desc, id", limit=PARTNER_CANDIDATE_LIMIT):
                candidates.setdefault(partner, reason)
        return list(candidates.items())

    def _get_customer_kind(self):
        """Organization when the lead names a company, else individual."""
        self.ensure_one()
        return "organization" if self.partner_name or self.partner_id.is_company else "individual"

    def _get_contact_name(self):
        self.ensure_one()
        return self.contact_name or (parse_contact_from_email(self.email_from)[0] if self.email_from else False)

    def _matches_partner(self, partner):
        """Whether ``partner`` is this lead's person: same email or phone."""
        self.ensure_one()
        numbers = set(self._get_sanitized_numbers())
        return bool(
            (self.email_normalized and self.email_normalized == partner.email_normalized)
            or numbers & {partner.phone_sanitized, partner.secondary_phone_sanitized})

    def _get_leads_won_by(self, vals):
        """The leads of ``self`` that writing ``vals`` wins."""
        if not vals.get("stage_id") or not self.env["crm.stage"].browse(vals["stage_id"]).is_won:
            return self.browse()
        return self.filtered(lambda lead: not lead.stage_id.is_won)

    def _on_won(self):
        """Deferred hook, once for the leads won in the transaction: the first
        contact they no longer wait for is cancelled, and the salesperson gets
        post-sale follow-ups at the days set in Settings (30 and 90 by
        default) after the win."""
        won = self.filtered(lambda lead: lead.stage_id.is_won)
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact", raise_if_not_found=False)
        if won and first_contact:
            # sudo: the first-contact call may be another salesperson's
            self.env["mail.activity"].sudo().search([
                ("res_model", "=", "crm.lead"), ("res_id", "in", won.ids),
                ("activity_type_id", "=", first_contact.id)]).unlink()
        days = self._get_followup_days()
        leads = won.filtered("user_id")
        if not days or not leads:
            return
        today = fields.Date.context_today(self)
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        values = []
        for lang, group in leads.grouped(lambda lead: lead.user_id.lang).items():
            group = group.with_context(lang=lang)
            values += [lead._prepare_activity_values(
                todo, lead.user_id,
                group.env._("Post-sale follow-up (%(days)s days)", days=delay), today + timedelta(days=delay))
                for lead in group for delay in days]
        # sudo: the follow-ups are the salesperson's, whoever marks the deal won
        self.env["mail.activity"].sudo().create(values)

    @api.model
    def _get_followup_days(self):
        # sudo: settings are readable by administrators only, and apply to every user's leads
        value = self.env["ir.config_parameter"].sudo().get_param("lead_management.followup_days", "30,90")
        return sorted({int(part) for part in normalize_digits(value or "").replace("،", ",").split(",")
                       if part.strip().isdigit() and int(part) > 0})
