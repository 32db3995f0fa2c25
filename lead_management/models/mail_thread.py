from odoo import api, models
from odoo.exceptions import AccessError


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(self, model, message, custom_values=None, save_original=False, strip_attachments=False,
                        thread_id=None):
        """The mail gateway's entry point, reachable over RPC for Odoo's
        mailgate script: it routes a raw e-mail as the superuser (to
        ``crm.lead.message_new`` among others), so only the superuser and
        administrators may call it; otherwise any user could learn whether
        an address is in the CRM and add engagement to its lead."""
        if not self.env.su and not self.env.user._is_system():
            raise AccessError(self.env._(
                "Only the mail gateway and administrators may process incoming e-mails."))
        return super().message_process(
            model, message, custom_values=custom_values, save_original=save_original,
            strip_attachments=strip_attachments, thread_id=thread_id)
