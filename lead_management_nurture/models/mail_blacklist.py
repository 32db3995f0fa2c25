from odoo import api, models


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered("active")._exit_nurture_enrollments()
        return records

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active"):
            self._exit_nurture_enrollments()
        return result

    def _exit_nurture_enrollments(self):
        """An address unsubscribed or blacklisted: its leads leave their cadences at once."""
        emails = [email for email in self.mapped("email") if email]
        if not emails:
            return
        # sudo: whoever blacklists an address (a visitor unsubscribing) ends the cadences sending to it
        enrollments = self.env["lead.nurture.enrollment"].sudo().search(
            [("state", "=", "active"), ("lead_id.email_normalized", "in", emails)])
        enrollments._exit("unsubscribed")
