from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

COST_ORIGINS = [("manual", "Manual"), ("import", "Import"), ("meta", "Meta Ads")]


class LeadMarketingCost(models.Model):
    """What was spent on a source, medium or campaign on one day: the cost
    side of the source performance report (CPL, CAC, ROI)."""

    _name = "lead.marketing.cost"
    _description = "Marketing Cost"
    _order = "date desc, id desc"
    _rec_name = "date"

    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    source_id = fields.Many2one("utm.source", ondelete="restrict")
    medium_id = fields.Many2one("utm.medium", ondelete="restrict")
    campaign_id = fields.Many2one("utm.campaign", ondelete="restrict")
    amount = fields.Monetary(required=True, currency_field="currency_id")
    currency_id = fields.Many2one(
        "res.currency", required=True,
        default=lambda self: self.env.company.currency_id)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.company)
    origin = fields.Selection(COST_ORIGINS, required=True, default="manual")
    note = fields.Char()

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if cost.amount < 0:
                raise ValidationError(self.env._(
                    "Amount: %(amount)s on %(date)s is negative; expected zero or more (a refund is a smaller cost "
                    "on its day, not a negative one).", amount=cost.amount, date=cost.date))

    @api.model
    def _find_campaigns(self, names):
        """{lowercase name: campaign id} of the campaigns (archived ones
        included) whose identifier or title, in any language, is one of
        ``names``, compared without case; in one query."""
        if not names:
            return {}
        # ids only, filtered by the ORM below; an identifier that matches wins over a title
        self.env["utm.campaign"].flush_model(["name", "title"])
        self.env.cr.execute(SQL(
            """SELECT DISTINCT ON (wanted.name) wanted.name, campaign.id
                 FROM utm_campaign campaign
                 JOIN unnest(%s::text[]) AS wanted(name)
                   ON lower(campaign.name) = wanted.name
                   OR EXISTS (SELECT FROM jsonb_each_text(campaign.title) AS title
                               WHERE lower(title.value) = wanted.name)
             ORDER BY wanted.name, lower(campaign.name) = wanted.name DESC, campaign.id""",
            [name.lower() for name in names]))
        found = dict(self.env.cr.fetchall())
        readable = set(self.env["utm.campaign"].with_context(active_test=False).search(
            [("id", "in", list(found.values()))]).ids)
        return {name: campaign_id for name, campaign_id in found.items() if campaign_id in readable}
