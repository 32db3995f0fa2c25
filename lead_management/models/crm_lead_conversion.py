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
        """Existing contacts matching this lead, best first (see
        _get_partner_candidates_by_lead).

        :return: list of (res.partner, reason)
        """
        self.ensure_one()
        return self._get_partner_candidates_by_lead()[self.id]

    def _get_partner_candidates_by_lead(self):
        """The contacts matching each lead, found by the matching engine
        (crm.lead._find_matching_partners) in one query: by national id,
        economic code, e-mail, then either phone number; companies before
        their contacts.

        :return: {lead id: [(res.partner, reason)]}, at most
            PARTNER_CANDIDATE_LIMIT per lead
        """
        reasons = {
            "national_id": self.env._("Same national ID"), "vat": self.env._("Same economic code"),
            "email": self.env._("Same email"), "phone": self.env._("Same phone"),
        }
        values_list = [{
            "email_from": lead.email_normalized, "phone": lead.phone_sanitized,
            "mobile": lead.secondary_phone_sanitized, "national_id": lead.national_id, "vat": lead.vat,
        } for lead in self]
        matches = self._find_matching_partners(values_list, ("national_id", "vat", "email_from", "phone", "mobile"))
        Partner = self.env["res.partner"]
        return {
            lead.id: [(Partner.browse(partner_id), reasons[kind])
                      for partner_id, kind in lead_matches[:PARTNER_CANDIDATE_LIMIT]]
            for lead, lead_matches in zip(self, matches, strict=True)
        }

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
        won._get_first_contact_activities().unlink()
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
