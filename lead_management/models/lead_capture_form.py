import secrets
from urllib.parse import urlsplit

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.addons.base.models.res_partner import _lang_get
from odoo.exceptions import ValidationError
from odoo.tools import SQL, html_escape

from .crm_lead_capture import CAPTURE_EXTRA_FIELDS, CAPTURE_FIELDS

#: what a form page sends besides the fields it asks
FORM_TRACKING_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "gclid", "fbclid", "referrer",
                        "landing_page", "idempotency_key")
DEFAULT_FORM_FIELDS = ("contact_name", "email_from", "mobile", "partner_name", "description")


class LeadCaptureForm(models.Model):
    """A lead capture entry point with a public token: a web form embedded
    on any site, or an ad platform's webhook (a Google Ads lead form, a
    Meta page's lead ads). The token only creates or matches leads; it
    never reads anything."""

    _name = "lead.capture.form"
    _description = "Lead Capture Form"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    channel = fields.Selection(
        [("web_form", "Web Form"), ("google_ads", "Google Ads Lead Form"), ("meta", "Meta Lead Ads")],
        required=True, default="web_form")
    token = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: secrets.token_urlsafe(18),
        groups="sales_team.group_sale_manager")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    source_id = fields.Many2one("utm.source", compute="_compute_utm", store=True, readonly=False, precompute=True)
    medium_id = fields.Many2one("utm.medium", compute="_compute_utm", store=True, readonly=False, precompute=True)
    campaign_id = fields.Many2one("utm.campaign")
    team_id = fields.Many2one("crm.team", string="Sales Team")
    user_id = fields.Many2one("res.users", string="Salesperson",
                              help="Leave empty to route the leads by territory.")
    phone_country_id = fields.Many2one(
        "res.country", string="Country of Numbers Without a Country Code",
        default=lambda self: self.env.company.country_id,
        help="Phone numbers of leads without a country, written without a country code (0912 345 6789), are read "
             "as dialled in this country; empty: the company's.")
    field_ids = fields.One2many(
        "lead.capture.form.field", "form_id", string="Fields Asked", copy=True,
        default=lambda self: self._default_field_ids())
    lang = fields.Selection(
        _lang_get, string="Language", default=lambda self: self.env.company.partner_id.lang or self.env.lang,
        help="The language of the embedded form's labels and messages, whoever copies its code.")
    consent_text = fields.Text(
        translate=True, help="When set, the visitor must tick this text to send the form.")
    allowed_origins = fields.Text(
        help="Sites where the form may be embedded, one per line (https://www.example.com); "
             "others are refused.")
    redirect_url = fields.Char(
        string="Thank-You Page", help="Where the visitor goes after sending the form (without JavaScript).")
    min_fill_seconds = fields.Integer(
        string="Minimum Fill Time (s)", default=3,
        help="Submissions sent faster than this after the page loaded are treated as spam.")
    rate_limit_per_minute = fields.Integer(
        string="Submissions per Minute", default=60,
        help="Beyond this, the form refuses submissions for a minute (every visitor together).")
    submit_url = fields.Char(compute="_compute_submit_url", groups="sales_team.group_sale_manager")
    embed_code = fields.Text(compute="_compute_embed_code", groups="sales_team.group_sale_manager")
    log_count = fields.Integer(compute="_compute_log_count", string="Submissions")
    webhook_url = fields.Char(
        string="Webhook URL", compute="_compute_webhook_url", groups="sales_team.group_sale_manager")
    webhook_key = fields.Char(
        copy=False, readonly=True, default=lambda self: secrets.token_urlsafe(24),
        groups="sales_team.group_sale_manager",
        help="Paste it in Google Ads as the webhook key: requests without it are refused.")
    meta_verify_token = fields.Char(
        string="Verify Token", copy=False, readonly=True, default=lambda self: secrets.token_urlsafe(24),
        groups="sales_team.group_sale_manager",
        help="Paste it in your Meta app's webhook settings, with the callback URL.")
    meta_app_secret = fields.Char(
        string="App Secret", copy=False, groups="sales_team.group_sale_manager",
        help="Your Meta app's secret (App settings > Basic): notifications not signed with it are refused.")
    meta_page_token = fields.Char(
        string="Page Access Token", copy=False, groups="sales_team.group_sale_manager",
        help="A page access token with the leads_retrieval permission: it fetches each lead's answers.")
    test_received_date = fields.Datetime(
        string="Last Test Lead", readonly=True, copy=False,
        help="When the ad platform last sent a test lead: logged, never made a lead.")

    _sql_constraints = [("token_unique", "UNIQUE(token)", "A form token must be unique.")]

    def init(self):
        # the column default of the forms that existed before: one random value each
        for column in ("webhook_key", "meta_verify_token"):
            self.env.cr.execute(SQL(
                """UPDATE lead_capture_form SET %(column)s = md5(random()::text || clock_timestamp()::text || id)
                    WHERE %(column)s IS NULL OR %(column)s IN (
                          SELECT %(column)s FROM lead_capture_form GROUP BY %(column)s HAVING count(*) > 1)""",
                column=SQL.identifier(column)))

    @api.model
    def _default_field_ids(self):
        return [Command.create({"name": fname, "sequence": sequence})
                for sequence, fname in enumerate(DEFAULT_FORM_FIELDS, start=1)]

    @api.depends("channel")
    def _compute_utm(self):
        channels = self.env["crm.lead"]._get_capture_channels()
        for form in self:
            channel = channels.get(form.channel, {})
            form.source_id = channel.get("source_xmlid") and self.env.ref(
                channel["source_xmlid"], raise_if_not_found=False)
            form.medium_id = channel.get("medium_xmlid") and self.env.ref(
                channel["medium_xmlid"], raise_if_not_found=False)

    @api.depends("token")
    def _compute_submit_url(self):
        base_url = self.get_base_url()
        for form in self:
            form.submit_url = f"{base_url}/lead_management/form/{form.token}"

    @api.depends("token", "channel")
    def _compute_webhook_url(self):
        base_url = self.get_base_url()
        for form in self:
            form.webhook_url = f"{base_url}/lead_management/webhook/{form.channel}/{form.token}" \
                if form.channel in ("google_ads", "meta") else False

    @api.depends("token", "field_ids.name", "field_ids.required", "field_ids.sequence", "consent_text", "lang")
    def _compute_embed_code(self):
        for form in self:
            form.embed_code = form._render_embed_code()

    def _compute_log_count(self):
        counts = dict(self.env["lead.capture.log"]._read_group(
            [("form_id", "in", self.ids)], ["form_id"], ["__count"]))
        for form in self:
            form.log_count = counts.get(form._origin, 0)

    @api.constrains("allowed_origins")
    def _check_allowed_origins(self):
        for form in self:
            for origin in form._get_allowed_origins():
                parts = urlsplit(origin)
                if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
                    raise ValidationError(self.env._(
                        "Allowed Origins: %(value)s is not a site address; expected a scheme and a host such as "
                        "https://www.example.com, one per line.", value=origin))

    @api.constrains("min_fill_seconds", "rate_limit_per_minute")
    def _check_limits(self):
        for form in self:
            if form.min_fill_seconds < 0 or form.rate_limit_per_minute < 1:
                raise ValidationError(self.env._(
                    "Minimum Fill Time must be zero or more, and Submissions per Minute at least 1."))

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("lead_management.lead_capture_log_action")
        action["domain"] = [("form_id", "=", self.id)]
        return action

    def action_regenerate_token(self):
        """A new token: the old embed code stops working (a leaked token)."""
        self.check_access("write")
        for form in self:
            form.token = secrets.token_urlsafe(18)

    def action_regenerate_webhook_key(self):
        """A new Google Ads webhook key, to paste in Google Ads."""
        self.check_access("write")
        for form in self:
            form.webhook_key = secrets.token_urlsafe(24)

    def _get_allowed_fields(self):
        """Payload keys this form accepts, with their maximum length: what a
        web form asks, everything from an ad platform (mapped by us)."""
        self.ensure_one()
        if self.channel != "web_form":
            return {**CAPTURE_FIELDS, **CAPTURE_EXTRA_FIELDS}
        asked = {fname: CAPTURE_FIELDS[fname] for fname in self.field_ids.mapped("name")}
        return {**asked, **{fname: CAPTURE_EXTRA_FIELDS[fname] for fname in FORM_TRACKING_FIELDS}}

    def _get_required_fields(self):
        self.ensure_one()
        return self.field_ids.filtered("required").mapped("name")

    def _get_allowed_origins(self):
        self.ensure_one()
        return [line.strip().rstrip("/") for line in (self.allowed_origins or "").split() if line.strip()]

    def _is_origin_allowed(self, origin):
        self.ensure_one()
        return bool(origin) and origin.rstrip("/").lower() in {o.lower() for o in self._get_allowed_origins()}

    def _render_embed_code(self):
        """Plain HTML form plus a few lines of JavaScript: it works on any
        static page, sends the page's utm parameters and the time spent,
        and shows the answer without leaving the page. Its texts are in the
        form's language, not in the language of whoever reads the code."""
        self.ensure_one()
        if not self.token or self.channel != "web_form":
            return False
        form = self.with_context(lang=self.lang) if self.lang else self
        labels = dict(form.env["lead.capture.form.field"]._selection_name())
        rows = []
        for field in self.field_ids:
            label = html_escape(labels[field.name])
            kind = {"email_from": "email", "phone": "tel", "mobile": "tel", "website": "url"}.get(field.name, "text")
            attrs = f' name="{field.name}"' + (" required" if field.required else "")
            control = f"<textarea{attrs}></textarea>" if field.name == "description" \
                else f'<input type="{kind}"{attrs}/>'
            rows.append(f"  <p><label>{label}<br/>{control}</label></p>")
        if form.consent_text:
            rows.append(f'  <p><label><input type="checkbox" name="consent" value="1" required/> '
                        f"{html_escape(form.consent_text)}</label></p>")
        submit = html_escape(form.env._("Send"))
        thanks = html_escape(form.env._("Thank you, we will contact you soon."))
        form_id = f"lm-form-{self.id}"
        return Markup("\n").join(Markup(line) for line in [
            f'<form id="{form_id}" method="post" action="{html_escape(self.submit_url)}">',
            *rows,
            '  <p style="position:absolute;left:-9999px" aria-hidden="true">'
            '<input type="text" name="lm_hp" tabindex="-1" autocomplete="off"/></p>',
            '  <p class="lm-message" role="alert"></p>',
            f'  <p><button type="submit">{submit}</button></p>',
            "</form>",
            "<script>",
            "(function () {",
            f'  var form = document.getElementById("{form_id}"), loaded = Date.now();',
            '  form.addEventListener("submit", function (event) {',
            "    event.preventDefault();",
            "    var data = new FormData(form), params = new URLSearchParams(location.search);",
            '    ["utm_source", "utm_medium", "utm_campaign", "gclid", "fbclid"].forEach(function (key) {',
            "      if (params.get(key)) { data.append(key, params.get(key)); }",
            "    });",
            '    data.append("landing_page", location.href);',
            '    data.append("referrer", document.referrer);',
            '    data.append("lm_elapsed", String((Date.now() - loaded) / 1000));',
            '    fetch(form.action, {method: "POST", body: data}).then(function (response) {',
            "      return response.json().then(function (answer) {",
            "        if (response.ok) {",
            f'          form.innerHTML = "<p>{thanks}</p>";',
            "        } else {",
            '          form.querySelector(".lm-message").textContent = Object.values(answer.errors || {}).join(" ");',
            "        }",
            "      });",
            "    });",
            "  });",
            "})();",
            "</script>",
        ])
