from odoo import api, models
from odoo.tools.mail import append_content_to_html

from ..tools import bot_detection


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_template_postprocess(self, model, rendered):
        """Cadence e-mails (context key ``lead_nurture_honeypot``, see
        mailing.mailing._send_nurture_emails) end with a hidden link, tracked
        as the others: only a machine clicks it."""
        if self.env.context.get("lead_nurture_honeypot"):
            base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
            hidden = bot_detection.honeypot_html(bot_detection.honeypot_url(base_url))
            rendered = {res_id: append_content_to_html(html, hidden, plaintext=False) if html else html
                        for res_id, html in rendered.items()}
        return super()._render_template_postprocess(model, rendered)
