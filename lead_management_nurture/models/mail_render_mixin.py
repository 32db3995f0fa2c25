from odoo import api, models
from odoo.tools.mail import append_content_to_html

from ..tools import bot_detection


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_template_postprocess(self, model, rendered):
        """Cadence e-mails end with a hidden link, tracked as the others
        (context key ``lead_nurture_honeypot``: its short URL, see
        mailing.mailing._send_nurture_emails): only a machine clicks it."""
        if honeypot_url := self.env.context.get("lead_nurture_honeypot"):
            hidden = bot_detection.honeypot_html(honeypot_url)
            rendered = {res_id: append_content_to_html(html, hidden, plaintext=False) if html else html
                        for res_id, html in rendered.items()}
        return super()._render_template_postprocess(model, rendered)
