import base64

from odoo import fields, models
from odoo.addons.lead_management.tools.notification import notification_action
from odoo.exceptions import UserError

from ..tools import bot_detection


class LeadNurtureBotRangesUpload(models.TransientModel):
    _name = "lead.nurture.bot.ranges.upload"
    _description = "Upload Apple's Egress IP Ranges"

    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()

    def action_upload(self):
        """Replace the list of Apple's egress ranges by the uploaded CSV,
        refused whole if a line is not an IP range."""
        self.ensure_one()
        try:
            text = base64.b64decode(self.file or b"").decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(self.env._(
                "The file %(file)s is not a UTF-8 CSV file: expected Apple's egress-ip-ranges.csv.",
                file=self.filename or "")) from error
        networks, errors = bot_detection.parse_ranges(text)
        if errors:
            raise UserError(self.env._(
                "Column 1 of line %(lines)s of %(file)s is not an IP range: expected an IP range in CIDR "
                "notation, for instance 17.0.0.0/8 or 2620:149::/32.",
                lines=", ".join(str(number) for number, _line in errors[:5]), file=self.filename or ""))
        if not networks:
            raise UserError(self.env._(
                "The file %(file)s holds no IP range: expected one IP range in CIDR notation per line, "
                "in column 1.", file=self.filename or ""))
        attachment = self.env.ref("lead_management_nurture.apple_egress_ranges", raise_if_not_found=False)
        # only the ranges are kept: Apple's full list has hundreds of thousands of lines
        ranges = bot_detection.RangeIndex(networks)
        values = {"raw": ranges.to_csv().encode(), "name": "apple_egress_ranges.csv", "mimetype": "text/csv"}
        if attachment:
            attachment.write(values)
        else:
            attachment = self.env["ir.attachment"].create(values)
            self.env["ir.model.data"].create({
                "name": "apple_egress_ranges", "module": "lead_management_nurture", "model": "ir.attachment",
                "res_id": attachment.id, "noupdate": True})
        self.env.registry.clear_cache()
        return notification_action(self.env._("%(count)s IP ranges of Apple loaded.", count=len(ranges)),
                                   next_action={"type": "ir.actions.act_window_close"})
