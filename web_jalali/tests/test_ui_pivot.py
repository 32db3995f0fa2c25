from datetime import datetime

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestJalaliPivot(HttpCase):
    """A Persian user's pivot and graph group by Jalali months; an English
    user's by Gregorian months."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.users = {
            lang: mail_new_test_user(cls.env, login=f"jalali_pivot_{lang}", lang=lang, tz=tz,
                                     groups="base.group_user,base.group_partner_manager")
            for lang, tz in (("fa_IR", "Asia/Tehran"), ("en_US", "Europe/Brussels"))
        }
        partners = cls.env["res.partner"].create([{"name": "Jalali pivot Aban"}, {"name": "Jalali pivot Azar"}])
        # 30 Aban 1405 15:30 and 10 Azar 1405 01:30 in Tehran; 21 and 30 November in Brussels
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = CASE WHEN id = %s THEN %s ELSE %s END WHERE id IN %s",
            [partners[0].id, datetime(2026, 11, 21, 12, 0), datetime(2026, 11, 30, 22, 0), tuple(partners.ids)])
        pivot = cls.env["ir.ui.view"].create({
            "name": "web_jalali.tour.partner.pivot",
            "model": "res.partner",
            "type": "pivot",
            "arch": '<pivot><field name="create_date" interval="month" type="col"/></pivot>',
        })
        graph = cls.env["ir.ui.view"].create({
            "name": "web_jalali.tour.partner.graph",
            "model": "res.partner",
            "type": "graph",
            "arch": '<graph><field name="create_date" interval="month"/></graph>',
        })
        cls.action = cls.env["ir.actions.act_window"].create({
            "name": "Jalali pivot partners",
            "res_model": "res.partner",
            "view_mode": "pivot,graph,list",
            "domain": "[('name', 'like', 'Jalali pivot ')]",
            "view_ids": [(0, 0, {"sequence": index, "view_mode": view.type, "view_id": view.id})
                         for index, view in enumerate(pivot + graph)],
        })

    def test_persian_user_pivot_by_jalali_months(self):
        self.start_tour(f"/odoo/action-{self.action.id}", "web_jalali_persian_pivot",
                        login=self.users["fa_IR"].login)

    def test_english_user_pivot_by_gregorian_months(self):
        self.start_tour(f"/odoo/action-{self.action.id}", "web_jalali_gregorian_pivot",
                        login=self.users["en_US"].login)

    def test_persian_user_grouped_reads_ask_for_jalali_groups(self):
        self.start_tour(f"/odoo/action-{self.action.id}", "web_jalali_persian_grouped_reads",
                        login=self.users["fa_IR"].login)

    def test_english_user_grouped_reads_ask_for_odoo_groups(self):
        self.start_tour(f"/odoo/action-{self.action.id}", "web_jalali_gregorian_grouped_reads",
                        login=self.users["en_US"].login)
