from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A call or meeting marked done on a lead is an engagement event; any
        activity the salesperson marks done on the lead is a first response."""
        lead_activities = self.filtered(lambda act: act.res_model == "crm.lead" and act.res_id)
        # sudo: the activity's user may mark it done on a lead they cannot edit
        leads = self.env["crm.lead"].sudo().browse(lead_activities.mapped("res_id")).exists()
        done_by = {lead_id: lead_activities.filtered(lambda act, lead_id=lead_id: act.res_id == lead_id).user_id
                   for lead_id in leads.ids}
        responded = leads.filtered(lambda lead: lead.user_id in (self.env.user | done_by[lead.id]))
        events = []
        meeting_type = self.env.ref("mail.mail_activity_data_meeting", raise_if_not_found=False)
        for activity in self.filtered(lambda act: act.res_model == "crm.lead" and act.res_id):
            if activity.activity_category == "phonecall":
                event_type = "call"
            elif activity.activity_category == "meeting" or activity.activity_type_id == meeting_type:
                event_type = "meeting"
            else:
                continue
            events.append({
                "lead_id": activity.res_id,
                "event_type": event_type,
                "note": activity.summary or activity.activity_type_id.name,
            })
        if events:
            existing = set(self.env["crm.lead"].sudo().browse([vals["lead_id"] for vals in events]).exists().ids)
            events = [vals for vals in events if vals["lead_id"] in existing]
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        responded._register_first_response()
        if events:
            # sudo: marking one's activity done may log engagement on a lead
            # the user follows without owning it
            self.env["lead.engagement"].sudo().create(events)
        return result
