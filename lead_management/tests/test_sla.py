from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TerritoryCase


@tagged("post_install", "-at_install", "lead_management_sla")
@freeze_time("2026-03-02 09:00:00")
class TestSla(TerritoryCase):

    def test_deadline_per_temperature_and_first_contact_activity(self):
        minutes = {"cold": 2880, "warm": 240, "hot": 5}
        self.env["lead.scoring.model"].search([]).active = False
        self.env["lead.scoring.model"].create({"name": "Need", "rule_ids": [
            (0, 0, {"name": "Medium", "kind": "fit", "points": 50, "domain": "[('need_level', '=', 'medium')]"}),
            (0, 0, {"name": "High", "kind": "fit", "points": 90, "domain": "[('need_level', '=', 'high')]"}),
        ]})
        for temperature, need in (("cold", "low"), ("warm", "medium"), ("hot", "high")):
            with self.subTest(temperature=temperature):
                lead = self._create_lead(f"SLA {temperature}", city="Isfahan", need_level=need)
                self.assertEqual(lead.temperature, temperature)
                before = fields.Datetime.now()
                lead._assign_by_territory()
                self.assertEqual(lead.sla_status, "pending")
                delta = (lead.sla_deadline - before).total_seconds() / 60
                self.assertAlmostEqual(delta, minutes[temperature], delta=1)
                activity = lead.activity_ids
                self.assertEqual(activity.user_id, lead.user_id)
                self.assertEqual(activity.activity_type_id,
                                 self.env.ref("lead_management.mail_activity_type_first_contact"))
                self.assertEqual(activity.activity_category, "phonecall")
                self.assertEqual(activity.summary.startswith("Urgent"), temperature == "hot")

    def test_settings_change_targets(self):
        self.env["ir.config_parameter"].set_param("lead_management.sla_cold_minutes", "60")
        lead = self._create_lead("Configured", city="Isfahan")
        before = fields.Datetime.now()
        lead._assign_by_territory()
        self.assertAlmostEqual((lead.sla_deadline - before).total_seconds() / 60, 60, delta=1)

    def _assigned(self):
        lead = self._create_lead("Responder", city="Tehran")
        lead._assign_by_territory()
        self.assertEqual(lead.user_id, self.user_salesman)
        return lead

    def test_first_response_by_status(self):
        lead = self._assigned()
        lead.with_user(self.user_salesman).lead_status = "attempted"
        self.assertEqual(lead.sla_status, "met")
        self.assertTrue(lead.first_response_date)
        self.assertGreaterEqual(lead.response_time_minutes, 0)

    def test_first_response_by_activity_done(self):
        lead = self._assigned()
        lead.activity_ids.with_user(self.user_salesman).action_feedback(feedback="Called, interested")
        self.assertEqual(lead.sla_status, "met")

    def test_first_response_by_email(self):
        lead = self._assigned()
        lead.with_user(self.user_salesman).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertEqual(lead.sla_status, "met")

    def test_internal_note_is_not_a_response(self):
        lead = self._assigned()
        lead.with_user(self.user_salesman).message_post(body="Note", message_type="comment",
                                                        subtype_xmlid="mail.mt_note")
        self.assertEqual(lead.sla_status, "pending")

    def test_late_response_is_breached(self):
        lead = self._assigned()
        lead.sla_deadline = fields.Datetime.now() - timedelta(minutes=1)
        lead.with_user(self.user_salesman).lead_status = "contacted"
        self.assertEqual(lead.sla_status, "breached")
        self.assertEqual(lead.first_response_date, fields.Datetime.now())

    def test_escalation_and_reassignment(self):
        self.territory_isfahan_city.method = "round_robin"
        lead = self._create_lead("Late", city="Isfahan")
        lead._assign_by_territory()
        first = lead.user_id
        lead.sla_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.env["ir.config_parameter"].set_param("lead_management.sla_reassign", "True")
        self.assertGreaterEqual(self.env["crm.lead"]._cron_sla_escalation(), 1)
        self.assertNotEqual(lead.user_id, first)
        self.assertIn(lead.user_id, self.rep_a | self.rep_b | self.rep_c)
        leader_activity = self.env["mail.activity"].search(
            [("res_id", "=", lead.id), ("res_model", "=", "crm.lead"), ("user_id", "=", self.user_manager.id)])
        self.assertEqual(leader_activity.summary, "Response time breached")
        self.assertTrue(lead.message_ids.filtered(lambda m: "First response overdue" in (m.body or "")))
        self.assertEqual(lead.sla_status, "pending", "the new salesperson gets a new deadline")

    def test_escalation_without_reassignment(self):
        lead = self._assigned()
        lead.sla_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.env["ir.config_parameter"].set_param("lead_management.sla_reassign", "False")
        self.env["crm.lead"]._cron_sla_escalation()
        self.assertEqual(lead.sla_status, "breached")
        self.assertEqual(lead.user_id, self.user_salesman)

    def test_turning_hot_tightens_the_deadline(self):
        lead = self._assigned()
        self.assertGreater(lead.sla_deadline, fields.Datetime.now() + timedelta(hours=40))
        model = self.env["lead.scoring.model"].create({
            "name": "Hot maker", "sequence": 0,
            "rule_ids": [(0, 0, {"name": "Everyone", "kind": "fit", "points": 95, "domain": "[]"})]})
        self.assertEqual(lead.scoring_model_id, model)
        self.assertEqual(lead.temperature, "hot")
        self.flush_deferred()
        self.assertLess(lead.sla_deadline, fields.Datetime.now() + timedelta(minutes=6))

    def test_salesperson_cannot_correct_the_results(self):
        lead = self._assigned()
        lead.sla_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.env["crm.lead"]._cron_sla_escalation()
        self.assertEqual(lead.sla_status, "breached")
        as_salesman = lead.with_user(self.user_salesman)
        for values in ({"sla_status": "met"}, {"sla_deadline": fields.Datetime.now() + timedelta(days=1)},
                       {"first_response_date": fields.Datetime.now() - timedelta(minutes=2)}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                as_salesman.write(values)
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.user_salesman).create(
                {"name": "Met already", "type": "lead", "user_id": self.user_salesman.id, "sla_status": "met"})
        self.assertEqual(lead.sla_status, "breached")
        self.assertFalse(lead.first_response_date)
        # the system still records the salesperson's own response, and a new lead of theirs
        as_salesman.lead_status = "contacted"
        self.assertEqual(lead.sla_status, "breached")
        self.assertEqual(lead.first_response_date, fields.Datetime.now())
        self.assertTrue(self.env["crm.lead"].with_user(self.user_salesman).create(
            {"name": "New", "type": "lead", "user_id": self.user_salesman.id, "sla_status": "none"}))

    def test_manager_correction_is_tracked(self):
        lead = self._assigned()
        lead.sla_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.env["crm.lead"]._cron_sla_escalation()
        self.flush_deferred()   # as a commit would: Odoo tracks no change of a lead created in the transaction
        lead.with_user(self.user_manager).with_context(tracking_disable=False).write({
            "sla_status": "met", "sla_deadline": fields.Datetime.now() + timedelta(hours=1),
            "first_response_date": fields.Datetime.now()})
        self.flush_deferred()
        lead.invalidate_recordset(["message_ids"])
        self.assertEqual(lead.sla_status, "met")
        message = lead.message_ids.filtered(lambda message: message.author_id == self.user_manager.partner_id)
        self.assertEqual(len(message), 1)
        self.assertEqual(set(message.tracking_value_ids.field_id.mapped("name")),
                         {"sla_status", "sla_deadline", "first_response_date"})

    def test_form_results_read_only_for_salespeople(self):
        view = self.env.ref("crm.crm_lead_view_form")
        for user, readonly in ((self.user_salesman, True), (self.user_salesman_all, True),
                               (self.user_manager, False)):
            arch = etree.fromstring(self.env["crm.lead"].with_user(user).get_view(view.id, "form")["arch"])
            for name in ("sla_status", "sla_deadline", "first_response_date"):
                with self.subTest(user=user.login, field=name):
                    nodes = arch.xpath(f"//group[@name='lead_management_response']/field[@name='{name}']")
                    self.assertEqual(len(nodes), 1)
                    self.assertEqual(nodes[0].get("readonly") in ("1", "True"), readonly)

    def _first_contact_messages(self, lead):
        lead.invalidate_recordset(["message_ids"])
        return lead.message_ids.filtered(lambda message: message.mail_activity_type_id == self.env.ref(
            "lead_management.mail_activity_type_first_contact"))

    def test_first_contact_done_on_first_response(self):
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact")
        todo = self.env.ref("mail.mail_activity_data_todo")
        responses = {
            "status": lambda lead: lead.with_user(self.user_salesman).write({"lead_status": "attempted"}),
            "email": lambda lead: lead.with_user(self.user_salesman).message_post(
                body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"),
            "other activity": lambda lead: lead.with_user(self.user_salesman).activity_schedule(
                activity_type_id=todo.id, user_id=self.user_salesman.id).action_feedback(feedback="Sent the brochure"),
            "answered call": lambda lead: self.env["crm.lead"]._capture_calls([{
                "caller": "+989121110000", "extension": "7301", "status": "answered", "call_id": f"sla-{lead.id}"}]),
        }
        self.user_salesman.phone_extension = "7301"
        for how, respond in responses.items():
            with self.subTest(how=how):
                lead = self._assigned()
                lead.phone = "+989121110000"
                self.assertEqual(lead.activity_ids.activity_type_id, first_contact)
                respond(lead)
                self.flush_deferred()
                lead.invalidate_recordset(["activity_ids"])
                self.assertEqual(lead.sla_status, "met")
                self.assertNotIn(first_contact, lead.activity_ids.activity_type_id)
                done = self._first_contact_messages(lead)
                self.assertEqual(len(done), 1, "marked done, not deleted")
                self.assertIn("the first response was recorded", done.body)
                self.assertFalse(lead.engagement_ids.filtered(lambda event: event.note == "First contact"),
                                 "the call was not made")
                lead.active = False   # the next lead is the only one with this phone

    def test_first_contact_done_by_the_salesperson_is_a_call(self):
        lead = self._assigned()
        lead.activity_ids.with_user(self.user_salesman).action_feedback(feedback="Called, interested")
        self.flush_deferred()
        lead.invalidate_recordset(["activity_ids"])
        self.assertFalse(lead.activity_ids)
        self.assertEqual(lead.engagement_ids.event_type, "call")

    def test_first_contact_cancelled_when_the_lead_is_closed(self):
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact")
        leads = self.env["crm.lead"].concat(*(self._assigned() for _i in range(6)))
        junk, converted, opportunity, lost = leads[:2], leads[2], leads[3], leads[4:]
        self.assertEqual(len(leads.activity_ids.filtered(lambda act: act.activity_type_id == first_contact)), 6)
        junk.with_user(self.user_salesman).write({"lead_status": "junk"})
        self.env["lead.convert.wizard"].with_user(self.user_salesman).with_context(
            active_model="crm.lead", active_ids=converted.ids).create({"create_opportunity": False}).action_convert()
        opportunity.with_user(self.user_salesman).convert_opportunity(self.env["res.partner"])
        lost.with_user(self.user_salesman).action_set_lost()
        self.flush_deferred()
        self.assertEqual(converted.lead_status, "converted")
        self.assertNotIn(first_contact, converted.partner_id.activity_ids.activity_type_id,
                         "not moved to the customer with the other activities")
        self.assertEqual(opportunity.type, "opportunity")
        for lead in leads:
            with self.subTest(lead=lead.name, status=lead.lead_status, type=lead.type, active=lead.active):
                self.assertFalse(self.env["mail.activity"].with_context(active_test=False).search(
                    [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id),
                     ("activity_type_id", "=", first_contact.id)]))
                self.assertFalse(self._first_contact_messages(lead), "cancelled, not done")

    def test_one_first_contact_after_reassignment_or_turning_hot(self):
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact")
        self.territory_isfahan_city.method = "round_robin"
        lead = self._create_lead("Late", city="Isfahan")
        lead._assign_by_territory()
        first = lead.user_id
        lead.sla_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.env["ir.config_parameter"].set_param("lead_management.sla_reassign", "True")
        self.env["crm.lead"]._cron_sla_escalation()
        self.assertNotEqual(lead.user_id, first)
        calls = lead.activity_ids.filtered(lambda activity: activity.activity_type_id == first_contact)
        self.assertEqual(calls.user_id, lead.user_id, "the previous salesperson's call is gone")
        self.env["lead.scoring.model"].create({
            "name": "Hot maker", "sequence": 0,
            "rule_ids": [(0, 0, {"name": "Everyone", "kind": "fit", "points": 95, "domain": "[]"})]})
        self.flush_deferred()
        lead.invalidate_recordset(["activity_ids"])
        calls = lead.activity_ids.filtered(lambda activity: activity.activity_type_id == first_contact)
        self.assertEqual(len(calls), 1)
        self.assertTrue(calls.summary.startswith("Urgent"))

    def _first_contacts(self, lead):
        first_contact = self.env.ref("lead_management.mail_activity_type_first_contact")
        lead.invalidate_recordset(["activity_ids"])
        return lead.activity_ids.filtered(lambda activity: activity.activity_type_id == first_contact)

    def test_rerouting_keeps_the_target_and_moves_the_call(self):
        """The response target belongs to the lead: routed again (its province changed by
        an import, a form, a manager), it keeps its deadline and its one call goes along."""
        lead = self._assigned()
        deadline, due = lead.sla_deadline, self._first_contacts(lead).date_deadline
        with freeze_time("2026-03-02 15:00:00"):
            lead.city = "Isfahan"
            lead._assign_by_territory(only_unassigned=False)
            self.flush_deferred()
        self.assertIn(lead.user_id, self.rep_a | self.rep_b | self.rep_c)
        self.assertEqual((lead.sla_deadline, lead.sla_status), (deadline, "pending"), "not reset")
        calls = self._first_contacts(lead)
        self.assertEqual(len(calls), 1)
        self.assertEqual((calls.user_id, calls.date_deadline), (lead.user_id, due))

    def test_manual_reassignment_moves_the_call(self):
        lead = self._assigned()
        deadline = lead.sla_deadline
        lead.with_user(self.user_manager).user_id = self.rep_a
        self.flush_deferred()
        calls = self._first_contacts(lead)
        self.assertEqual(calls.user_id, self.rep_a, "the previous salesperson's call does not stay open")
        self.assertEqual(len(calls), 1)
        self.assertEqual(lead.sla_deadline, deadline)
