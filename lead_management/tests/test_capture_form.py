import re
from pathlib import Path

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged, users
from odoo.tools.misc import file_path

from .common import LeadManagementCase

FIELD_WIDGET = re.compile(r"""registry\.category\(["']fields["']\)\.add\(\s*["']([\w.]+)["']""")


@tagged("post_install", "-at_install", "lead_management_capture")
class TestCaptureFormScreen(LeadManagementCase):
    """Sales managers manage the capture forms; the embed code is in the
    form's language."""

    @users("lm_manager")
    def test_manager_creates_and_opens_a_form(self):
        with Form(self.env["lead.capture.form"]) as form:
            form.name = "Manager form"
            with form.field_ids.new() as line:
                line.name = "city"
                line.required = True
        record = form.record
        self.assertEqual(record.field_ids.mapped("name"),
                         ["contact_name", "email_from", "mobile", "partner_name", "description", "city"])
        self.assertEqual(record._get_required_fields(), ["city"])
        self.assertIn('name="city" required', record.embed_code)
        with Form(record) as form:
            form.field_ids.remove(index=0)
        self.assertNotIn("contact_name", record._get_allowed_fields())

    @users("lm_salesman")
    def test_salesman_reads_forms_only(self):
        form = self.env["lead.capture.form"].sudo().create({"name": "Read only"}).with_env(self.env)
        self.assertEqual(len(form.field_ids), 5)
        with self.assertRaises(AccessError):
            form.field_ids[0].required = True

    def test_form_widgets_exist_in_odoo(self):
        registered = set()
        for path in Path(file_path("web/static/src")).rglob("*.js"):
            registered.update(FIELD_WIDGET.findall(path.read_text(encoding="utf-8")))
        arch = etree.fromstring(self.env["lead.capture.form"].get_view(view_type="form")["arch"])
        widgets = {node.get("widget") for node in arch.iter("field") if node.get("widget")}
        self.assertIn("CopyClipboardButton", widgets)
        self.assertFalse(widgets - registered, "widgets the web client does not know")
        self.assertEqual(arch.xpath("//page[@name='embed']//field[@name='embed_code']/@widget"),
                         ["CopyClipboardButton", "code"], "a Copy button, and the snippet line by line")

    def test_snippet_in_the_form_language(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(["crm", "lead_management"], ["fa_IR"], overwrite=True)
        self.user_manager.lang = "en_US"
        form = self.env["lead.capture.form"].create({
            "name": "Persian form", "lang": "fa_IR",
            "field_ids": [Command.clear(), Command.create({"name": "mobile", "required": True})]})
        form.with_context(lang="fa_IR").consent_text = "با تماس موافقم."
        form.with_context(lang="en_US").consent_text = "I agree to be called."
        snippet = form.with_user(self.user_manager).embed_code
        mobile = self.env["crm.lead"].with_context(lang="fa_IR")._fields["mobile"].get_description(
            self.env(context={"lang": "fa_IR"}))["string"]
        self.assertNotEqual(mobile, "Mobile")
        for text in (f"<label>{mobile}<br/>", "ارسال", "سپاسگزاریم، به‌زودی با شما تماس خواهیم گرفت.",
                     "با تماس موافقم."):
            self.assertIn(text, snippet)
        for text in ("Mobile", "Send", "Thank you", "I agree"):
            self.assertNotIn(text, snippet)
        form.lang = "en_US"
        snippet = form.with_user(self.user_manager).with_context(lang="fa_IR").embed_code
        self.assertIn("Thank you, we will contact you soon.", snippet)
        self.assertIn("<label>Mobile<br/>", snippet)
