import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged, users

from .common import ConversionCase


@tagged("post_install", "-at_install", "lead_management_conversion")
@freeze_time("2026-03-02 09:00:00")
class TestConversion(ConversionCase):

    def test_individual_becomes_one_contact_and_opportunity(self):
        lead = self._create_lead(
            "Solar for Reza", user=self.user_salesman, team=self.team_iran, contact_name="Reza Ahmadi",
            email_from="reza.conversion@lm-test.example", phone="۰۹۱۲ ۳۴۵ ۶۷۸۹", national_id="0013542419",
            specialty_ids=[(6, 0, self.specialty.ids)], city="Isfahan", website="https://reza.example.com")
        partners_before = self.Partner.search_count([])
        wizard = self._wizard(lead)
        self.assertEqual((wizard.customer_kind, wizard.partner_action), ("individual", "create"))
        action = wizard.action_convert()
        self.assertEqual(self.Partner.search_count([]), partners_before + 1)
        partner = lead.partner_id
        self.assertEqual(partner.name, "Reza Ahmadi")
        self.assertFalse(partner.is_company)
        self.assertEqual(partner.national_id, "0013542419")
        self.assertEqual(partner.email, "reza.conversion@lm-test.example")
        self.assertEqual(partner.phone_sanitized, "+989123456789")
        self.assertEqual(partner.specialty_ids, self.specialty)
        self.assertEqual((partner.city, partner.website), ("Isfahan", "https://reza.example.com"))
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.lead_status, "converted")
        self.assertEqual(lead.lifecycle_stage, "opportunity")
        self.assertEqual(lead.stage_id, lead._stage_find(team_id=self.team_iran.id, domain=[("fold", "=", False)]))
        self.assertTrue(lead.date_conversion)
        self.assertGreaterEqual(lead.days_to_convert, 0)
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", lead.id))

    def test_organization_becomes_company_with_contact(self):
        lead = self._create_lead(
            "Tower project", user=self.user_salesman, team=self.team_iran, partner_name="Pars Build Co",
            contact_name="Sara Karimi", email_from="sara@parsbuild.example", vat="۴۱۱۱۱۱۱۱۱۱۱",
            industry_id=self.industry.id, company_size="51_200", national_id="0013542419")
        wizard = self._wizard(lead)
        self.assertEqual(wizard.customer_kind, "organization")
        wizard.action_convert()
        contact = lead.partner_id
        company = contact.parent_id
        self.assertEqual(contact.name, "Sara Karimi")
        self.assertEqual(contact.national_id, "0013542419")
        self.assertTrue(company.is_company)
        self.assertEqual(company.name, "Pars Build Co")
        self.assertEqual(company.vat, "41111111111")
        self.assertEqual(company.industry_id, self.industry)
        self.assertEqual(company.company_size, "51_200")
        self.assertFalse(company.national_id)

    def test_each_deduplication_key_in_order(self):
        existing = {
            "vat": self.Partner.create({"name": "By VAT", "is_company": True, "vat": "41122233344"}),
            "national_id": self.Partner.create({"name": "By national id", "national_id": "0013542419",
                                                "country_id": self.country_ir.id}),
            "email": self.Partner.create({"name": "By email", "email": "Match.Me@Example.com"}),
            "phone": self.Partner.create({"name": "By phone", "mobile": "+98 912 000 1111",
                                          "phone": "+98 21 8888 7777", "country_id": self.country_ir.id}),
        }
        lead_values = {
            "vat": {"vat": "41122233344"},
            "national_id": {"national_id": "۰۰۱۳۵۴۲۴۱۹"},
            "email": {"email_from": "match.me@example.com"},
            # the partner's second number, typed with Persian digits
            "phone": {"phone": "۰۲۱ ۸۸۸۸ ۷۷۷۷"},
        }
        for key, values in lead_values.items():
            with self.subTest(key=key):
                lead = self._create_lead(f"Dedup {key}", user=self.user_salesman, **values)
                wizard = self._wizard(lead)
                self.assertEqual(wizard.partner_action, "link")
                self.assertEqual(wizard.partner_id, existing[key])
                self.assertIn(existing[key].display_name, wizard.match_summary)
        both = self._create_lead("Two keys", email_from="match.me@example.com", vat="41122233344")
        candidates = both._get_partner_candidates()
        self.assertEqual([partner for partner, _reason in candidates], [existing["vat"], existing["email"]],
                         "the economic code is stronger than the email")
        self.assertEqual(candidates[0][1], "Same economic code")

    def test_user_may_still_create_when_a_match_exists(self):
        self.Partner.create({"name": "Namesake", "email": "same@example.com"})
        lead = self._create_lead("Fresh", contact_name="Another person", email_from="same@example.com")
        wizard = self._wizard(lead, partner_action="create")
        wizard.action_convert()
        self.assertEqual(lead.partner_id.name, "Another person")
        self.assertEqual(self.Partner.search_count([("email", "=ilike", "same@example.com")]), 2)

    def test_existing_organization_gets_the_new_contact(self):
        company = self.Partner.create({"name": "Known Co", "is_company": True, "vat": "41199988877"})
        lead = self._create_lead("Known Co again", partner_name="Known Co Ltd", contact_name="Ali Rezaei",
                                 vat="41199988877", email_from="ali@known.example", user=self.user_salesman)
        companies_before = self.Partner.search_count([("is_company", "=", True)])
        wizard = self._wizard(lead)
        self.assertEqual((wizard.partner_action, wizard.partner_id), ("link", company))
        wizard.action_convert()
        self.assertEqual(lead.partner_id.parent_id, company)
        self.assertEqual(lead.partner_id.name, "Ali Rezaei")
        self.assertEqual(self.Partner.search_count([("is_company", "=", True)]), companies_before)
        # the same person coming back is found among the company's contacts, not created twice
        again = self._create_lead("Known Co third", partner_name="Known Co", contact_name="Ali R.",
                                  vat="41199988877", email_from="ali@known.example", user=self.user_salesman)
        self._wizard(again).action_convert()
        self.assertEqual(again.partner_id, lead.partner_id)

    def test_returning_customer_gets_the_opportunity_directly(self):
        customer = self.Partner.create({"name": "Loyal Customer", "email": "loyal@example.com"})
        old_deal = self._create_lead("First deal", user=self.user_salesman, partner_id=customer.id, type="opportunity")
        old_deal.stage_id = self.stage_won
        self.assertEqual(customer.lifecycle_stage, "customer")
        lead = self._create_lead("Second deal", user=self.user_salesman, email_from="loyal@example.com")
        partners_before = self.Partner.search_count([])
        leads_before = self.env["crm.lead"].search_count([])
        self._wizard(lead).action_convert()
        self.assertEqual(lead.partner_id, customer)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(self.Partner.search_count([]), partners_before)
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before)

    def test_without_opportunity_the_lead_is_archived_and_linked(self):
        lead = self._create_lead("Just a contact", user=self.user_salesman, contact_name="Nima",
                                 email_from="nima@example.com")
        activity = lead.activity_schedule("mail.mail_activity_data_call", summary="Call Nima",
                                          user_id=self.user_salesman.id)
        action = self._wizard(lead, create_opportunity=False).action_convert()
        self.assertFalse(lead.active)
        self.assertEqual(lead.type, "lead")
        self.assertEqual(lead.lead_status, "converted")
        self.assertTrue(lead.date_conversion)
        self.assertEqual(lead.partner_id.name, "Nima")
        self.assertTrue(activity.exists(), "open activities are not lost with the archived lead")
        self.assertEqual((activity.res_model, activity.res_id), ("res.partner", lead.partner_id.id))
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", lead.partner_id.id))

    def test_history_is_carried_to_the_customer(self):
        lead = self._create_lead("History", user=self.user_salesman, partner_name="Archive Co",
                                 contact_name="Leila", email_from="leila@archive.example")
        attachment = self.env["ir.attachment"].create({
            "name": "brief.txt", "raw": b"requirements", "res_model": "crm.lead", "res_id": lead.id})
        lead.message_post(body="Customer asked for a quote", message_type="comment",
                          subtype_xmlid="mail.mt_note", attachment_ids=attachment.ids)
        lead.message_post(body="Email from the customer", message_type="email", subtype_xmlid="mail.mt_comment")
        activity = lead.activity_schedule("mail.mail_activity_data_todo", summary="Prepare the quote",
                                          user_id=self.user_salesman.id)
        self._wizard(lead, history_target="organization", include_internal_notes=True).action_convert()
        company = lead.partner_id.parent_id
        messages = self.env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", company.id)])
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("Customer asked for a quote", bodies)
        self.assertIn("Email from the customer", bodies)
        copied = self.env["ir.attachment"].search([("res_model", "=", "res.partner"), ("res_id", "=", company.id)])
        self.assertEqual(copied.mapped("name"), ["brief.txt"])
        self.assertEqual(base64.b64decode(copied.datas), b"requirements")
        quote = messages.filtered(lambda message: "quote" in message.body)
        self.assertEqual(quote.attachment_ids, copied)
        # nothing leaves the opportunity
        self.assertTrue(attachment.exists())
        self.assertIn("Customer asked for a quote", " ".join(lead.message_ids.mapped("body")))
        self.assertIn(activity, lead.activity_ids)

    def test_history_keeps_integration_notes_not_system_messages(self):
        lead = self.env["crm.lead"].with_context(tracking_disable=False, mail_create_nolog=False).create({
            "name": "Caller", "type": "lead", "contact_name": "Caller", "user_id": self.user_salesman.id,
            "country_id": self.country_ir.id})
        self.flush_deferred()   # the lead was created in an earlier request
        lead.lead_status = "contacted"
        self.flush_deferred()
        # a call logged by a telephone system: message_post without a message type is a notification
        lead.message_post(body="Inbound call from +98 912 000 0000, 3 minutes")
        lead.invalidate_recordset(["message_ids"])
        self.assertTrue(lead.message_ids.filtered(lambda message: message.tracking_value_ids),
                        "the status change is tracked")
        self.assertIn("A new lead has been created", " ".join(lead.message_ids.mapped("body")))
        self._wizard(lead, include_internal_notes=True).action_convert()
        carried = self.env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "=", lead.partner_id.id)])
        bodies = " ".join(carried.mapped("body"))
        self.assertIn("Inbound call from +98 912 000 0000", bodies)
        self.assertNotIn("A new lead has been created", bodies, "system messages stay behind")
        self.assertFalse(carried.tracking_value_ids, "pure tracking stays behind")

    def test_batch_conversion_reports_the_failing_lead(self):
        good = self._create_lead("Batch good", user=self.user_salesman, contact_name="Good One",
                                 email_from="good@example.com")
        known = self.Partner.create({"name": "Batch Known", "email": "known@example.com"})
        linked = self._create_lead("Batch known", user=self.user_salesman, email_from="known@example.com")
        lost = self._create_lead("Batch lost", user=self.user_salesman, contact_name="Lost One")
        lost.action_set_lost()
        action = self.env.ref("lead_management.action_server_convert").with_context(
            active_model="crm.lead", active_ids=(good | linked | lost).ids).run()
        wizard = self.env["lead.convert.wizard"].with_context(**action["context"]).create({})
        self.assertEqual(wizard.lead_ids, good | linked | lost)
        result = wizard.action_convert()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("Batch lost", result["params"]["message"])
        self.assertEqual((good.type, linked.type), ("opportunity", "opportunity"))
        self.assertEqual(linked.partner_id, known)
        self.assertEqual(good.partner_id.name, "Good One")
        self.assertEqual(lost.type, "lead")
        self.assertFalse(lost.partner_id)

    def test_batch_with_two_leads_of_one_new_person(self):
        first = self._create_lead("Twice 1", user=self.user_salesman, contact_name="New Person",
                                  email_from="new.person@example.com")
        second = self._create_lead("Twice 2", user=self.user_salesman, contact_name="New Person",
                                   mobile="09127770000", email_from="NEW.PERSON@example.com")
        wizard = self.env["lead.convert.wizard"].with_context(
            active_model="crm.lead", active_ids=(first | second).ids).create({})
        wizard.action_convert()
        self.assertTrue(first.partner_id)
        self.assertEqual(second.partner_id, first.partner_id, "the customer the first lead created")

    def test_batch_of_only_failing_leads_raises(self):
        opportunity = self._create_lead("Already", type="opportunity", user=self.user_salesman)
        other = self._create_lead("Already too", type="opportunity", user=self.user_salesman)
        with self.assertRaisesRegex(UserError, "already converted"):
            self._wizard(opportunity | other).action_convert()

    def test_new_customer_plan_is_scheduled(self):
        lead = self._create_lead("Plan", user=self.user_salesman, contact_name="Plan Person")
        self._wizard(lead).action_convert()
        plan = self.env.ref("lead_management.mail_activity_plan_new_customer")
        self.assertEqual(sorted(lead.activity_ids.mapped("summary")), sorted(plan.template_ids.mapped("summary")))
        self.assertEqual(lead.activity_ids.user_id, self.user_salesman)
        today = fields.Date.context_today(lead)
        self.assertIn(today + timedelta(days=1), lead.activity_ids.mapped("date_deadline"))

    def test_won_schedules_follow_ups_and_makes_a_customer(self):
        lead = self._create_lead("To win", user=self.user_salesman, contact_name="Winner")
        self._wizard(lead).action_convert()
        lead.activity_ids.unlink()
        lead.action_set_won()
        self.flush_deferred()
        today = fields.Date.context_today(lead)
        followups = lead.activity_ids
        self.assertEqual(sorted(followups.mapped("date_deadline")),
                         [today + timedelta(days=30), today + timedelta(days=90)])
        self.assertEqual(followups.user_id, self.user_salesman)
        self.assertEqual(lead.partner_id.lifecycle_stage, "customer")
        self.assertEqual(lead.lifecycle_stage, "customer")
        # winning again (stage moves inside won) does not schedule twice
        lead.write({"stage_id": self.stage_won.id})
        self.flush_deferred()
        self.assertEqual(len(lead.activity_ids), 2)

    def test_follow_up_days_from_settings(self):
        settings = self.env["res.config.settings"].create({"lead_management_followup_days": "۷, 45"})
        settings.execute()
        lead = self._create_lead("Configured win", user=self.user_salesman, type="opportunity")
        lead.action_set_won()
        self.flush_deferred()
        today = fields.Date.context_today(lead)
        self.assertEqual(sorted(lead.activity_ids.mapped("date_deadline")),
                         [today + timedelta(days=7), today + timedelta(days=45)])


@tagged("post_install", "-at_install", "lead_management_conversion")
class TestConversionAccess(ConversionCase):

    @users("lm_salesman")
    def test_salesman_converts_own_lead(self):
        lead = self.lead_own.with_env(self.env)
        lead.write({"contact_name": "Own contact", "email_from": "own@example.com"})
        self._wizard(lead).action_convert()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id.name, "Own contact")

    @users("lm_employee")
    def test_employee_cannot_convert(self):
        with self.assertRaises(AccessError):
            self.env["lead.convert.wizard"].with_context(
                active_model="crm.lead", active_ids=self.lead_own.ids).create({})

    def test_wizard_form_defaults(self):
        lead = self._create_lead("Form", user=self.user_salesman, team=self.team_iran, partner_name="Form Co")
        form = Form(self.env["lead.convert.wizard"].with_context(active_model="crm.lead", active_ids=lead.ids))
        self.assertEqual(form.customer_kind, "organization")
        self.assertEqual(form.user_id, self.user_salesman)
        self.assertEqual(form.team_id, self.team_iran)
        form.partner_action = "link"
        with self.assertRaises(AssertionError):   # the customer is required to link
            form.save()
