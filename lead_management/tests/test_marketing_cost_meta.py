import json
from urllib.parse import parse_qs, urlsplit

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .test_ads_http import _GraphApi, start_graph_api


class _GraphInsightsApi(_GraphApi):
    """The Graph API stand-in, also answering an ad account's insights:
    page ``after`` of ``server.insights[account]`` (an answer status and
    body each), with the next page's link."""

    def do_GET(self):
        parts = urlsplit(self.path)
        if not parts.path.endswith("/insights"):
            return super().do_GET()
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        account = parts.path.split("/")[-2]
        self.server.requests.append((account, query, self.headers.get("Authorization")))
        pages = self.server.insights[account]
        page = int(query.get("after", 0))
        status, body = pages[page]
        if status == 200 and page + 1 < len(pages):
            host, port = self.server.server_address
            body = {**body, "paging": {"cursors": {"after": str(page + 1)},
                                       "next": f"http://{host}:{port}{parts.path}?after={page + 1}"}}
        return self.answer(status, body)


def insights_row(day, campaign, spend, currency="EUR"):
    return {"campaign_name": campaign, "spend": spend, "date_start": day, "date_stop": day,
            "account_currency": currency}


@tagged("post_install", "-at_install", "lead_management_capture")
@freeze_time("2026-03-02 09:00:00")
class TestMarketingCostMeta(TransactionCase):
    """A Meta lead form's ad account: yesterday's and today's campaign
    spend fetched from the Graph API stand-in into the marketing costs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.nowruz = cls.env["utm.campaign"].create({"title": "Nowruz search"})
        cls.nowruz.update_field_translations("title", {"fa_IR": "جستجوی نوروز"})
        cls.form = cls.env["lead.capture.form"].create({
            "name": "Instagram lead ads", "channel": "meta", "meta_page_token": "page-token",
            "meta_ad_account_id": "act_111"})
        cls.Cost = cls.env["lead.marketing.cost"]
        cls.Log = cls.env["lead.capture.log"]
        cls.eur = cls.env.ref("base.EUR")

    def setUp(self):
        super().setUp()
        self.graph = start_graph_api(self, _GraphInsightsApi)
        # two days of two campaigns, one day a page; the first named in Persian
        self.graph.insights = {"act_111": [
            (200, {"data": [insights_row("2026-03-01", "جستجوی نوروز", "12.50"),
                            insights_row("2026-03-01", "Yalda retargeting", "3.10")]}),
            (200, {"data": [insights_row("2026-03-02", "جستجوی نوروز", "4.00"),
                            insights_row("2026-03-02", "Yalda retargeting", "1.25")]}),
        ]}

    def meta_costs(self):
        return self.Cost.search([("origin", "=", "meta")], order="date, amount")

    def test_two_days_two_campaigns_with_paging(self):
        self.form._fetch_meta_spend()
        first, second = self.graph.requests
        self.assertEqual(first[0], "act_111")
        self.assertEqual({key: first[1][key] for key in ("level", "fields", "time_increment")}, {
            "level": "campaign", "fields": "campaign_name,spend,date_start,account_currency", "time_increment": "1"})
        self.assertEqual(json.loads(first[1]["time_range"]), {"since": "2026-03-01", "until": "2026-03-02"},
                         "yesterday and today")
        self.assertEqual(second[1], {"after": "1"}, "the next page followed as given")
        self.assertEqual({request[2] for request in self.graph.requests}, {"Bearer page-token"})
        self.assertFalse(any("access_token" in request[1] for request in self.graph.requests),
                         "the token is no URL part")
        yalda = self.env["utm.campaign"].search([("title", "=", "Yalda retargeting")])
        self.assertEqual(len(yalda), 1, "a campaign of the ad account unknown here is created")
        source = self.env.ref("lead_management.utm_source_meta_ads")
        self.assertEqual([(str(cost.date), cost.campaign_id, cost.amount, cost.source_id, cost.company_id)
                          for cost in self.meta_costs()], [
            ("2026-03-01", yalda, 3.10, source, self.env.company),
            ("2026-03-01", self.nowruz, 12.50, source, self.env.company),
            ("2026-03-02", yalda, 1.25, source, self.env.company),
            ("2026-03-02", self.nowruz, 4.00, source, self.env.company),
        ])
        self.assertEqual(self.form.meta_spend_date.isoformat(), "2026-03-02")

    def test_account_currency_stored_for_the_reports_to_convert(self):
        self.assertNotEqual(self.env.company.currency_id, self.eur)
        self.form._fetch_meta_spend()
        self.assertEqual(self.meta_costs().currency_id, self.eur, "Meta's figures, not converted")
        self.assertAlmostEqual(sum(self.meta_costs().mapped("amount")), 20.85)

    def test_refetch_replaces_never_doubles(self):
        self.form._fetch_meta_spend()
        # later that day, and from a second form of the same ad account and source
        self.graph.insights["act_111"][1] = (200, {"data": [insights_row("2026-03-02", "جستجوی نوروز", "9.75"),
                                                            insights_row("2026-03-02", "Yalda retargeting", "1.25")]})
        twin = self.form.copy({"meta_ad_account_id": "111", "meta_page_token": "page-token"})
        (self.form + twin)._fetch_meta_spend()
        costs = self.meta_costs()
        self.assertEqual(len(costs), 4)
        self.assertEqual(costs.filtered(lambda cost: str(cost.date) == "2026-03-02"
                                        and cost.campaign_id == self.nowruz).amount, 9.75)
        self.assertAlmostEqual(sum(costs.mapped("amount")), 26.60)

    def test_daily_cron_fetches_yesterday_and_today(self):
        cron = self.env.ref("lead_management.ir_cron_meta_spend_fetch")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.env["lead.capture.form"].create({"name": "No ad account", "channel": "meta",
                                              "meta_page_token": "page-token"})
        cron.method_direct_trigger()
        self.assertEqual(len(self.graph.requests), 2, "only the form with an ad account, once a day")
        cron.method_direct_trigger()
        self.assertEqual(len(self.graph.requests), 2, "fetched already today")
        with freeze_time("2026-03-03 04:00:00"):
            self.graph.insights["act_111"] = [(200, {"data": [insights_row("2026-03-02", "جستجوی نوروز", "6.00"),
                                                              insights_row("2026-03-03", "جستجوی نوروز", "0.40")]})]
            cron.method_direct_trigger()
            self.assertEqual(json.loads(self.graph.requests[-1][1]["time_range"]),
                             {"since": "2026-03-02", "until": "2026-03-03"})
        self.assertEqual([(str(cost.date), cost.amount) for cost in self.meta_costs()
                          if cost.campaign_id == self.nowruz],
                         [("2026-03-01", 12.50), ("2026-03-02", 6.00), ("2026-03-03", 0.40)])

    def test_errors_logged_nothing_half_written_other_forms_fetched(self):
        def meta_form(name, account):
            return self.env["lead.capture.form"].create({
                "name": name, "channel": "meta", "meta_page_token": "page-token", "meta_ad_account_id": account})
        bad_token, broken_paging, graph_error, odd_currency = (
            meta_form("Bad token", "222"), meta_form("Second page fails", "333"),
            meta_form("Graph error", "444"), meta_form("Odd currency", "555"))
        self.graph.insights.update({
            "act_222": [(400, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException"}})],
            "act_333": [(200, {"data": [insights_row("2026-03-01", "Spring", "7.00")]}),
                        (500, {"error": {"message": "Please retry your request later."}})],
            "act_444": [(200, {"error": {"message": "(#100) Tried accessing nonexisting field"}})],
            "act_555": [(200, {"data": [insights_row("2026-03-01", "Spring", "7.00", currency="XYZ")]})],
        })
        for _run in range(6):
            self.env["lead.capture.form"]._cron_fetch_meta_spend()
        self.assertEqual(len(self.meta_costs()), 4, "the good form's costs only")
        self.assertFalse(self.env["utm.campaign"].search([("title", "=", "Spring")]), "nothing half-written")
        logs = self.Log.search([("form_id", "in", (bad_token + broken_paging + graph_error + odd_currency).ids)],
                               order="form_id")
        self.assertEqual(logs.mapped("form_id"), bad_token + broken_paging + graph_error + odd_currency)
        self.assertEqual(set(logs.mapped("status")), {"error"})
        self.assertEqual(set(logs.mapped("fetch_attempts")), {1})
        self.assertEqual({str(log.next_fetch_date) for log in logs}, {"2026-03-02 09:01:00"})
        for log, reason in zip(logs, ("400 Invalid OAuth access token.", "500 Please retry",
                                      "200 (#100) Tried accessing", "unknown account currency XYZ"), strict=True):
            self.assertIn("Attempt 1 to fetch the spend of Meta ad account", log.error)
            self.assertIn(reason, log.error)
            self.assertNotIn("page-token", log.error)
        self.assertFalse(bad_token.meta_spend_date)

        with freeze_time("2026-03-02 09:01:00"):
            # Meta answers the second page again: fetched at the retry, the others wait for theirs
            self.graph.insights["act_333"][1] = (200, {"data": [insights_row("2026-03-02", "Spring", "2.00")]})
            for _run in range(3):
                self.env["lead.capture.form"]._cron_fetch_meta_spend()
            self.assertEqual(broken_paging.meta_spend_date.isoformat(), "2026-03-02")
            self.assertEqual((logs[1].status, logs[1].error, logs[1].next_fetch_date), ("created", False, False))
            self.assertEqual(logs[1].note, "Spend fetched at attempt 2: 2 rows, 2 new costs.")
            spring = self.meta_costs().filtered(lambda cost: cost.campaign_id.title == "Spring")
            self.assertEqual(spring.mapped("amount"), [7.00, 2.00])
            self.assertEqual(logs[0].fetch_attempts, 2)
            for _attempt in range(5):
                bad_token._fetch_meta_spend()
            self.assertEqual(logs[0].fetch_attempts, 7)
            self.assertFalse(logs[0].next_fetch_date)
            self.assertIn("could not be fetched after 7 attempts", logs[0].error)
            self.assertNotIn(bad_token, self.env["lead.capture.form"]._get_meta_spend_due(), "until tomorrow")

    def test_failed_fetch_replayed_by_a_sales_manager(self):
        self.graph.insights["act_111"] = [(400, {"error": {"message": "Invalid OAuth access token."}})]
        self.form._fetch_meta_spend()
        log = self.Log.search([("form_id", "=", self.form.id)])
        self.assertEqual((log.status, log.fetch_attempts), ("error", 1))
        with freeze_time("2026-03-03 10:00:00"):
            # the next day, a sales manager replays the failed fetch of March 2nd, then again once the token is renewed
            manager = self.env["res.users"].create({
                "name": "Sales Manager", "login": "lm_spend_manager",
                "groups_id": [(6, 0, self.env.ref("sales_team.group_sale_manager").ids)]})
            log.with_user(manager).action_replay()
            self.assertEqual((log.status, log.fetch_attempts, log.next_fetch_date), ("error", 1, False))
            self.assertIn("Invalid OAuth access token. Replay to try again.", log.error)
            self.graph.insights["act_111"] = [(200, {"data": [insights_row("2026-03-01", "Yalda retargeting", "3")]})]
            log.with_user(manager).action_replay()
        self.assertEqual(json.loads(self.graph.requests[-1][1]["time_range"]),
                         {"since": "2026-03-01", "until": "2026-03-02"}, "the failed fetch's days")
        self.assertEqual(log.status, "created")
        self.assertEqual(self.meta_costs().mapped("amount"), [3.0])

    def test_ad_account_id_checked(self):
        with self.assertRaisesRegex(ValidationError, "Ad Account ID"):
            self.form.meta_ad_account_id = "111/../me"
        self.form.meta_ad_account_id = "1234567890"

    def test_ad_account_and_spend_for_sales_managers_only(self):
        salesman = self.env["res.users"].create({
            "name": "Salesman", "login": "lm_spend_salesman",
            "groups_id": [(6, 0, self.env.ref("sales_team.group_sale_salesman").ids)]})
        form = self.form.with_user(salesman)
        self.assertEqual(form.name, "Instagram lead ads")
        with self.assertRaises(AccessError):
            form.read(["meta_ad_account_id"])
        with self.assertRaises(AccessError):
            self.Cost.with_user(salesman).search([])
