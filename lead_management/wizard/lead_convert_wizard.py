from functools import partial

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import is_html_empty

from ..tools.notification import notification_action
from ..tools.savepoint import call_in_savepoint

#: messages written by a person or an integration (a note posted by code is a
#: notification); user notifications and automated comments stay behind
HISTORY_MESSAGE_TYPES = ("comment", "email", "email_outgoing", "notification")
#: messages exchanged with the customer, the history carried by default
CUSTOMER_MESSAGE_TYPES = ("comment", "email", "email_outgoing")
#: how Odoo marks the body of its system messages ("Lead created", assignments)
SYSTEM_MESSAGE_MARKER = 'summary="o_mail_notification"'


class LeadConvertWizard(models.TransientModel):
    """Convert leads into a contact (and its organization) and, if wanted,
    an opportunity, without duplicating an existing customer and carrying
    the lead's history onto the customer."""

    _name = "lead.convert.wizard"
    _description = "Convert Leads"

    lead_ids = fields.Many2many(
        "crm.lead", string="Leads", required=True, context={"active_test": False},
        default=lambda self: self._default_lead_ids())
    lead_count = fields.Integer(compute="_compute_lead_count")
    customer_kind = fields.Selection(
        [("individual", "Individual"), ("organization", "Organization")],
        compute="_compute_customer_kind", store=True, readonly=False, required=True, precompute=True,
        help="Individual: one contact. Organization: a company with the contact as its child. "
             "With several leads, each lead's own kind is used.")
    partner_action = fields.Selection(
        [("create", "Create a new customer"), ("link", "Link to an existing customer"),
         ("none", "Do not link a customer")], string="Customer",
        compute="_compute_matches", store=True, readonly=False, required=True, precompute=True,
        help="With several leads, each lead is linked to its best matching customer, or one is created.")
    partner_id = fields.Many2one(
        "res.partner", string="Existing Customer", compute="_compute_matches", store=True, readonly=False,
        precompute=True)
    match_summary = fields.Html(
        compute="_compute_matches", store=True, precompute=True, sanitize=False,
        help="Existing contacts with the same economic code, national ID, email or phone.")
    create_opportunity = fields.Boolean(
        default=True, help="Turn the lead into an opportunity of the pipeline. "
                           "Otherwise the lead is marked converted and archived, linked to the customer.")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", compute="_compute_user_team", store=True, readonly=False,
        domain="[('share', '=', False)]", help="Empty with several leads: each keeps its salesperson.")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", compute="_compute_user_team", store=True, readonly=False,
        help="Empty with several leads: each keeps its team.")
    history_target = fields.Selection(
        [("contact", "Contact"), ("organization", "Organization")], string="Carry History To",
        default="contact", required=True,
        help="Where the lead's history is copied (it also stays on the lead).")
    include_internal_notes = fields.Boolean(
        help="Also copy the lead's internal notes, logged calls and attachments onto the customer, where every "
             "employee reads them. Otherwise only the messages exchanged with the customer are copied.")

    @api.model
    def _default_lead_ids(self):
        if self.env.context.get("active_model") == "crm.lead":
            return [Command.set(self.env.context.get("active_ids", []))]
        return []

    @api.depends("lead_ids")
    def _compute_lead_count(self):
        for wizard in self:
            wizard.lead_count = len(wizard.lead_ids)

    @api.depends("lead_ids")
    def _compute_customer_kind(self):
        for wizard in self:
            wizard.customer_kind = wizard.lead_ids[:1]._get_customer_kind() if wizard.lead_ids else "individual"

    @api.depends("lead_ids")
    def _compute_matches(self):
        """For a single lead: its customer or the best existing match, and the
        list of matches with their reason."""
        for wizard in self:
            lead = wizard.lead_ids if len(wizard.lead_ids) == 1 else self.env["crm.lead"]
            candidates = lead._get_partner_candidates() if lead else []
            partner = lead.partner_id or next((partner for partner, _reason in candidates), self.env["res.partner"])
            wizard.partner_id = partner
            wizard.partner_action = "link" if partner else "create"
            wizard.match_summary = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li><b>%s</b>: %s</li>") % (partner.display_name, reason) for partner, reason in candidates
            ) if candidates else False

    @api.depends("lead_ids")
    def _compute_user_team(self):
        for wizard in self:
            lead = wizard.lead_ids if len(wizard.lead_ids) == 1 else self.env["crm.lead"]
            wizard.user_id = lead.user_id or (self.env.user if lead else False)
            wizard.team_id = lead.team_id or (
                self.env["crm.team"]._get_default_team_id(user_id=wizard.user_id.id) if lead else False)

    def action_convert(self):
        """Convert every lead, each in its own savepoint: a lead that fails is
        reported and the others convert. Returns the opportunity (or the
        customer) of a single lead, a summary for several."""
        self.ensure_one()
        if self.partner_action == "link" and not self.partner_id and len(self.lead_ids) == 1:
            raise UserError(self.env._("Existing Customer: choose the customer to link the lead to."))
        converted, failures = self.env["crm.lead"], []
        batch = len(self.lead_ids) > 1
        candidates = self.lead_ids.filtered(lambda lead: not lead.partner_id)._get_partner_candidates_by_lead() \
            if batch and self.partner_action != "none" else {}
        customers_created = False
        for lead in self.lead_ids:
            lead_candidates = candidates.get(lead.id, [])
            if batch and not lead_candidates and customers_created and self.partner_action != "none":
                # the customer an earlier lead of the same person just created
                lead_candidates = lead._get_partner_candidates_by_lead()[lead.id]
            failure = call_in_savepoint(self.env.cr, partial(self._convert_lead, lead, lead_candidates),
                                        lambda error: error.args[0], errors=UserError)
            if failure:
                failures.append((lead, failure))
            else:
                converted |= lead
                customers_created = customers_created or not lead_candidates
        if len(self.lead_ids) == 1 and not failures:
            return self._action_open_result(converted)
        if not converted and failures:
            raise UserError("\n".join(
                self.env._("%(lead)s: %(error)s", lead=lead.display_name, error=error) for lead, error in failures))
        message = self.env._("%(count)s leads converted.", count=len(converted))
        if failures:
            not_converted = "; ".join(
                self.env._("%(lead)s (%(error)s)", lead=lead.display_name, error=error) for lead, error in failures)
            message += " " + self.env._("Not converted: %(failures)s", failures=not_converted)
        return notification_action(message, type="warning" if failures else "success", sticky=bool(failures),
                                   next_action={"type": "ir.actions.act_window_close"})

    def _convert_lead(self, lead, candidates):
        if not lead.active or lead.probability == 100:
            raise UserError(self.env._("archived, won or lost: restore it before converting it"))
        if lead.type == "opportunity" or lead.lead_status == "converted":
            raise UserError(self.env._("already converted"))
        contact, organization = self._get_customer(lead, candidates)
        user, team = self.user_id or lead.user_id, self.team_id or lead.team_id
        if self.create_opportunity:
            lead.convert_opportunity(contact, user_ids=user.ids or False, team_id=team.id or False)
            stage = lead._stage_find(team_id=lead.team_id.id, domain=[("fold", "=", False)])
            if stage and stage != lead.stage_id:
                lead.stage_id = stage
            target_record = lead
        else:
            lead.write({
                "partner_id": contact.id,
                "lead_status": "converted",
                "date_conversion": fields.Datetime.now(),
                **({"user_id": user.id} if user else {}),
                **({"team_id": team.id} if team else {}),
            })
            target_record = contact
        history_target = organization if self.history_target == "organization" and organization else contact
        if history_target:
            self._carry_history(lead, history_target)
        if not self.create_opportunity:
            if history_target:
                # open activities would be deleted with the archived lead
                self._move_open_activities(lead, history_target)
            lead.action_archive()
        if target_record:
            self._schedule_plan(target_record, user or lead.user_id or self.env.user)

    def _get_customer(self, lead, candidates):
        """The contact and organization of the converted lead: (contact, organization).

        :param candidates: in a batch, the contacts matching the lead (see
            crm.lead._get_partner_candidates_by_lead)
        """
        Partner = self.env["res.partner"]
        batch = len(self.lead_ids) > 1
        action = self.partner_action
        kind = lead._get_customer_kind() if batch else self.customer_kind
        if action == "none":
            return Partner, Partner
        if batch or action == "link":
            partner = self.partner_id if not batch else (lead.partner_id or next(
                (partner for partner, _reason in candidates), Partner))
            if partner:
                return self._link_customer(lead, partner, kind)
        return self._create_customer(lead, kind)

    def _link_customer(self, lead, partner, kind):
        """An organization found for an organization lead gets the lead's
        contact as a new child (or the matching child it already has)."""
        if partner.is_company and kind == "organization":
            contact_name = lead._get_contact_name()
            if contact_name:
                contact = partner.child_ids.filtered(lambda child: lead._matches_partner(child))[:1]
                contact = contact or self.env["res.partner"].create(
                    lead._prepare_customer_values(contact_name, parent_id=partner.id))
                return contact, partner
            return partner, partner
        return partner, partner.parent_id if partner.parent_id.is_company else self.env["res.partner"]

    def _create_customer(self, lead, kind):
        Partner = self.env["res.partner"]
        if kind == "individual":
            name = lead._get_contact_name() or lead.partner_name or lead.name
            return Partner.create(lead._prepare_customer_values(name)), Partner
        organization_name = lead.partner_name or lead.name
        # never a second copy of a known organization: the contact goes under it
        organization = Partner.search([("is_company", "=", True), ("vat", "=", lead.vat)], limit=1) if lead.vat \
            else Partner
        organization = organization or Partner.search(
            [("is_company", "=", True), ("name", "=ilike", organization_name)], limit=1)
        organization = organization or Partner.create(lead._prepare_customer_values(organization_name, is_company=True))
        contact_name = lead._get_contact_name()
        if not contact_name:
            return organization, organization
        return Partner.create(lead._prepare_customer_values(contact_name, parent_id=organization.id)), organization

    def _carry_history(self, lead, partner):
        """Copy the lead's messages with the customer onto the partner, and
        its internal notes and attachments when the user includes them; they
        stay on the lead too."""
        Message = self.env["mail.message"]
        domain = [("model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        if self.include_internal_notes:
            domain.append(("message_type", "in", HISTORY_MESSAGE_TYPES))
        else:
            # what the customer could read himself on a portal: no note, no employee-only message
            domain = expression.AND([domain, [("message_type", "in", CUSTOMER_MESSAGE_TYPES)],
                                     Message._get_search_domain_share()])
        # sudo: the chatter is copied as it is, whoever converts; the copies
        # are only readable by who can read the partner
        messages = Message.sudo().search(domain, order="id").filtered(
            lambda message: self._is_history_message(message))
        values = messages.copy_data({"model": "res.partner", "res_id": partner.id, "record_name": partner.display_name})
        if self.include_internal_notes:
            attachment_map = self._copy_attachments(lead, partner)
            for message, vals in zip(messages, values, strict=True):
                vals["attachment_ids"] = [Command.set([attachment_map.get(att_id, att_id)
                                                      for att_id in message.attachment_ids.ids])]
        else:
            for vals in values:
                vals["attachment_ids"] = []
        Message.sudo().create(values)
        note = self.env._("Converted from the lead %(lead)s: its history is copied here.", lead=lead.name) \
            if self.include_internal_notes else self.env._(
                "Converted from the lead %(lead)s: its messages with the customer are copied here.", lead=lead.name)
        partner.message_post(body=Markup("<p>%s</p>") % note, message_type="notification",
                             subtype_xmlid="mail.mt_note")

    def _copy_attachments(self, lead, partner):
        """Copy the lead's attachments onto the partner; returns the copies'
        ids by original id."""
        # sudo: as the messages in _carry_history
        Attachment = self.env["ir.attachment"].sudo()
        attachments = Attachment.search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])
        copies = Attachment.create([
            dict(vals, res_model="res.partner", res_id=partner.id) for vals in attachments.copy_data()])
        return dict(zip(attachments.ids, copies.ids, strict=True))

    @api.model
    def _is_history_message(self, message):
        """Whether ``message`` is history worth carrying: a body someone or
        an integration wrote, not pure tracking nor a system message."""
        return not is_html_empty(message.body) and SYSTEM_MESSAGE_MARKER not in message.body

    def _move_open_activities(self, lead, partner):
        """Move the lead's open activities to the customer, but its First
        Contact call: the converted lead no longer waits for it."""
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact", raise_if_not_found=False)
        # sudo: activities of other users move with the lead they belong to
        lead.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id != first_contact).write({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": partner.id,
        })

    def _schedule_plan(self, record, user):
        """The "New customer follow-up" activity plan, for the salesperson."""
        plan = self.env.ref("lead_management.mail_activity_plan_new_customer", raise_if_not_found=False)
        if not plan or not plan.active:
            return
        for template in plan.template_ids:
            responsible = template._determine_responsible(user, record)["responsible"] or user
            record.activity_schedule(
                activity_type_id=template.activity_type_id.id,
                summary=template.summary,
                note=template.note,
                date_deadline=template._get_date_deadline(),
                user_id=responsible.id,
            )

    def _action_open_result(self, leads):
        lead = leads[:1]
        if lead.active:
            return lead.redirect_lead_opportunity_view()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": lead.partner_id.id,
            "views": [(False, "form")],
        } if lead.partner_id else {"type": "ir.actions.act_window_close"}
