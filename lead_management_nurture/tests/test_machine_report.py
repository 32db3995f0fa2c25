from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged, users

from .common import MONDAY_MORNING
from .test_bot_engagement import LATER, BotCase

APPLE_PROXY = {"ip": "17.58.63.10", "user_agent": "Mozilla/5.0"}
SCANNER = {"ip": "40.107.1.1", "user_agent": "Mozilla/5.0 (compatible; bingbot/2.0)"}
MEASURES = ["opened:sum", "clicked:sum", "machine_open_count:sum", "machine_click_count:sum"]


@tagged("post_install", "-at_install", "lead_management_nurture")
class TestMachineReport(BotCase):
    """The Nurture Analysis counts e-mails opened and clicked by the person
    as opened and clicked, and those opened or clicked only by machines as
    machine opens and clicks."""

    def setUp(self):
        super().setUp()
        names = ["person", "apple", "scanner", "apple then person", "too soon then person", "reply",
                 "before machines", "unopened"]
        self.leads = {name: self._create_nurtured_lead(f"Machine {name}") for name in names}
        self.other = self._create_nurtured_lead("Machine other", user=self.user_salesman_other)
        with freeze_time(MONDAY_MORNING):
            self._enroll([*self.leads.values(), self.other])
            self._run_due()
            traces = {name: self._trace(lead) for name, lead in self.leads.items()}
            other_trace = self._trace(self.other)
            (self.env["mailing.trace"].concat(*traces.values()) | other_trace).set_sent()
        case = self._links(traces["person"])[0]
        with freeze_time(MONDAY_MORNING + timedelta(seconds=1)):
            self._click(traces["too soon then person"], case)
        with freeze_time(LATER):
            self._click(traces["person"], case)
            self._open(traces["apple"], APPLE_PROXY)
            self._click(traces["scanner"], case, SCANNER)
            self._open(traces["apple then person"], APPLE_PROXY)
            self._open(traces["reply"], APPLE_PROXY)
            traces["reply"].set_replied()
            self._open(traces["before machines"])
            self._click(other_trace, case, SCANNER)
        with freeze_time(LATER + timedelta(minutes=5)):
            self._open(traces["apple then person"])
            self._click(traces["too soon then person"], case)
        # an e-mail opened before opens were told apart has no event of its own
        self.leads["before machines"].engagement_ids.unlink()
        # the second e-mail: the scanner clicks the person's, the Apple proxy opens the scanner's
        with freeze_time(MONDAY_MORNING + timedelta(days=2, hours=1)):
            self._run_due()
            seconds = {name: self._trace(self.leads[name]) for name in ("person", "scanner")}
            (seconds["person"] | seconds["scanner"]).set_sent()
        with freeze_time(MONDAY_MORNING + timedelta(days=2, hours=2)):
            case = self.env["link.tracker"].search([
                ("mass_mailing_id", "=", seconds["person"].mass_mailing_id.id), ("url", "like", "/case")])
            self._click(seconds["person"], case, SCANNER)
            self._open(seconds["scanner"], APPLE_PROXY)
        self.assertEqual(seconds["person"].mass_mailing_id.nurture_step_id, self.step_second)
        self.env.flush_all()

    def _figures(self, groupby):
        names = [measure.split(":")[0] for measure in MEASURES]
        groups = self.env["lead.nurture.report"].read_group(
            [("cadence_id", "=", self.cadence.id)], MEASURES, [groupby])
        return {group[groupby][0]: tuple(group[name] for name in names) for group in groups}

    def _expected(self, other=True):
        """(opened, clicked, machine opens, machine clicks) per step; the
        other salesperson's lead adds one machine open and click to the first."""
        # opened: person, apple then person, too soon then person, reply, before machines;
        # clicked: person, too soon then person; machine: apple and scanner (and other)
        welcome = (5, 2, 3, 2) if other else (5, 2, 2, 1)
        return {self.step_welcome.id: welcome, self.step_second.id: (0, 0, 2, 1)}

    @users("lm_manager", "lm_salesman_all")
    def test_figures_per_step(self):
        self.assertEqual(self._figures("step_id"), self._expected())
        self.assertEqual(self._figures("cadence_id"), {self.cadence.id: (5, 2, 5, 3)})

    @users("lm_salesman")
    def test_salesperson_own_leads(self):
        self.assertEqual(self._figures("step_id"), self._expected(other=False))

    @users("lm_marketing")
    def test_marketing_all_figures(self):
        self.assertEqual(self._figures("cadence_id"), {self.cadence.id: (5, 2, 5, 3)})

    @users("lm_employee")
    def test_employee_no_access(self):
        with self.assertRaises(AccessError):
            self._figures("cadence_id")
