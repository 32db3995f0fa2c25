from odoo import fields, models

from ..tools import bot_detection


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    nurture_step_id = fields.Many2one(
        "lead.nurture.step", string="Cadence Step", readonly=True, index="btree_not_null", ondelete="set null",
        help="This mailing sends and tracks the e-mails of a nurture cadence step.")
    nurture_variant_id = fields.Many2one(
        "lead.nurture.step.variant", string="Cadence Step Variant", readonly=True, ondelete="set null")

    def _get_seen_list(self):
        """A cadence mailing is sent again and again, each time to the leads
        whose step is due: an address it reached before is no duplicate (the
        enrolment already sends each step once)."""
        if self.nurture_step_id:
            return set()
        return super()._get_seen_list()

    def _prepare_nurture_values(self, step, variant):
        """Values of the mailing of a cadence step (or of its variant): sent
        to leads by the cadence only, never by its own Send button. Named,
        in its author's language, by the cadence and the step: the mailing
        lists show it by its subject, and the template's subject is a
        placeholder rendered lead by lead."""
        template = (variant or step).mail_template_id
        author = step.cadence_id.create_uid
        lang = author.lang or self.env.company.partner_id.lang or self.env.lang
        step = step.with_context(lang=lang)
        name = f"{step.cadence_id.name} / {step.name}"
        if variant:
            name = f"{name} / {variant.with_context(lang=lang).name}"
        return {
            "name": name,
            "subject": name,
            "body_arch": template.body_html,
            "body_html": template.body_html,
            "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("crm.lead"),
            "mailing_domain": repr([("nurture_enrollment_ids.step_id", "=", step.id)]),
            "reply_to_mode": "update",
            "state": "done",
            "sent_date": fields.Datetime.now(),
            "user_id": author.id or self.env.uid,
            "nurture_step_id": step.id,
            "nurture_variant_id": variant.id,
            "keep_archives": True,
        }

    def _sync_from_template(self):
        """The template of the step changed: the mailing shows the new one."""
        for mailing in self:
            template = (mailing.nurture_variant_id or mailing.nurture_step_id).mail_template_id
            if template:
                mailing.write({"body_arch": template.body_html, "body_html": template.body_html})

    def _send_nurture_emails(self, template, res_ids):
        """Send ``template`` to the leads ``res_ids`` under this mailing,
        through Odoo's mass mailing composer: one e-mail per lead in the
        lead's language, links tracked, a hidden link for machines only
        (see mail.render.mixin), unsubscribe links, a trace per lead, the
        blacklist applied. The e-mails join Odoo's outgoing queue."""
        self.ensure_one()
        composer = self.env["mail.compose.message"].with_context(
            active_ids=res_ids, default_composition_mode="mass_mail",
            lead_nurture_honeypot=self._get_nurture_honeypot().short_url,
            **self._get_mass_mailing_context(),
        ).create({
            "auto_delete": not self.keep_archives,
            "auto_delete_keep_log": True,
            "composition_mode": "mass_mail",
            "mass_mailing_id": self.id,
            "model": "crm.lead",
            "record_name": False,
            "reply_to_force_new": False,
            "res_ids": repr(list(res_ids)),
            "template_id": template.id,
        })
        composer._action_send_mail(auto_commit=False)

    def _get_nurture_honeypot(self):
        """The tracker of the hidden link of this mailing's e-mails, found
        or created once per batch (the e-mails get its short URL as is)."""
        self.ensure_one()
        return self.env["link.tracker"].search_or_create([dict(
            self._get_link_tracker_values(), url=bot_detection.honeypot_url(self.get_base_url()),
            title=self.env._("Hidden link (machines only)"))])
