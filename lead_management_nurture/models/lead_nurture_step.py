from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval


class LeadNurtureStep(models.Model):
    _name = "lead.nurture.step"
    _description = "Nurture Cadence Step"
    _order = "cadence_id, sequence, id"

    cadence_id = fields.Many2one("lead.nurture.cadence", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [("email", "Email"), ("activity", "Activity")], required=True, default="email",
        help="Email: a template sent through Email Marketing, tracked. "
             "Activity: a call or task for the lead's salesperson.")
    delay = fields.Integer(default=1, help="How long to wait before this step.")
    delay_unit = fields.Selection(
        [("hours", "Hours"), ("days", "Days")], required=True, default="days")
    delay_from = fields.Selection(
        [("previous", "After the previous step"), ("enrollment", "After enrolment")],
        string="Counted From", required=True, default="previous")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "=", "crm.lead")], ondelete="restrict",
        help="Sent when no variant matches the lead.")
    variant_ids = fields.One2many(
        "lead.nurture.step.variant", "step_id", string="Variants", copy=True,
        help="Other templates for leads of an industry or specialty: the first variant that matches is sent.")
    activity_type_id = fields.Many2one("mail.activity.type", ondelete="restrict")
    activity_summary = fields.Char(string="Summary", translate=True)
    activity_note = fields.Html(string="Note", translate=True)
    domain = fields.Char(
        string="Condition", default="[]",
        help="The lead must still match this filter when the step is due, else the step is skipped.")
    mailing_id = fields.Many2one(
        "mailing.mailing", readonly=True, copy=False, ondelete="set null",
        help="The mailing this step's default e-mails are sent and tracked under.")
    touch_ids = fields.One2many("lead.nurture.touch", "step_id", string="Touches")
    touch_count = fields.Integer(compute="_compute_touch_count", string="Done")

    _sql_constraints = [
        ("delay_positive", "CHECK (delay >= 0)", "The delay of a step cannot be negative."),
    ]

    @api.depends("touch_ids")
    def _compute_touch_count(self):
        counts = dict(self.env["lead.nurture.touch"]._read_group(
            [("step_id", "in", self.ids), ("state", "=", "done")], ["step_id"], ["__count"])) if self.ids else {}
        for step in self:
            step.touch_count = counts.get(step._origin, 0)

    @api.constrains("kind", "mail_template_id", "activity_type_id")
    def _check_kind_values(self):
        for step in self:
            if step.kind == "email" and not step.mail_template_id:
                raise ValidationError(self.env._(
                    "The e-mail step %(step)s needs an e-mail template on leads.", step=step.name))
            if step.kind == "activity" and not step.activity_type_id:
                raise ValidationError(self.env._(
                    "The activity step %(step)s needs an activity type.", step=step.name))

    @api.constrains("domain")
    def _check_domain(self):
        for step in self.filtered("domain"):
            try:
                condition = step._get_condition_domain()
                # the condition runs as superuser: it may name only fields its author can read
                self.env["crm.lead"]._check_domain_access(condition)
                # sudo: only whether the filter runs on leads is checked, nothing is returned
                self.env["crm.lead"].sudo().search_count(condition, limit=1)
            except Exception as error:
                raise ValidationError(self.env._(
                    "The condition of the step %(step)s is not a valid filter on leads: %(error)s",
                    step=step.name, error=error)) from error

    def write(self, vals):
        result = super().write(vals)
        if "mail_template_id" in vals:
            self.mailing_id._sync_from_template()
        return result

    def _get_condition_domain(self):
        self.ensure_one()
        return list(safe_eval(self.domain or "[]", {"uid": self.env.uid}))

    def _get_delay(self):
        self.ensure_one()
        return timedelta(hours=self.delay) if self.delay_unit == "hours" else timedelta(days=self.delay)

    def _get_next_step(self):
        """The step after this one in its cadence, or an empty record."""
        self.ensure_one()
        steps = self.cadence_id.step_ids
        index = list(steps).index(self)
        return steps[index + 1] if index + 1 < len(steps) else self.browse()

    def _select_variant(self, lead):
        """The first variant whose industry and specialties match ``lead``
        (a variant without industry or specialties matches any), else an
        empty record: the step's own template."""
        self.ensure_one()
        for variant in self.variant_ids:
            if variant.industry_id and variant.industry_id != lead.industry_id:
                continue
            if variant.specialty_ids and not (variant.specialty_ids & lead.specialty_ids):
                continue
            return variant
        return self.env["lead.nurture.step.variant"]

    def _get_mailing(self, variant):
        """The mailing the e-mails of this step (of ``variant`` when given)
        are sent and tracked under, created on first use."""
        self.ensure_one()
        owner = variant or self
        if not owner.mailing_id:
            owner.mailing_id = self.env["mailing.mailing"].create(
                self.env["mailing.mailing"]._prepare_nurture_values(self, variant))
        return owner.mailing_id
