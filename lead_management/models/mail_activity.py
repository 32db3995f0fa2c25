from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A call or meeting marked done on a lead is an engagement event; an
        activity of the lead's salesperson marked done (by them or for them),
        or any activity they mark done on it, is a first response."""
        lead_activities = self.filtered(lambda act: act.res_model == "crm.lead" and act.res_id)
        # sudo: the activity's user may mark it done on a lead they cannot edit
        leads = self.env["crm.lead"].sudo().browse(lead_activities.mapped("res_id")).exists()
        lead_activities = lead_activities.filtered(lambda act: act.res_id in leads.ids)
        done_for = {lead_id: activities.user_id for lead_id, activities in lead_activities.grouped("res_id").items()}
        responded = leads.filtered(lambda lead: lead.user_id in (self.env.user | done_for[lead.id]))
        events = []
        meeting_type = self.env.ref("mail.mail_activity_data_meeting", raise_if_not_found=False)
        # a First Contact call closed by another first response was no call (see crm.lead._register_first_response)
        contacts = self.browse() if self.env.context.get("lead_management_first_response") else lead_activities
        for activity in contacts:
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
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        responded._register_first_response()
        if events:
            # sudo: marking one's activity done may log engagement on a lead
            # the user follows without owning it
            self.env["lead.engagement"].sudo().create(events)
        return result
