from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, str2bool

from ..tools import matching

#: fields by which the same person is found (see _find_matching_leads)
MATCH_FIELDS = ("external_id", "national_id", "vat", "email_from", "phone", "mobile")


class CrmLead(models.Model):
    """Matching: the same person among the open leads and the contacts, by
    external id, national id, economic code, e-mail and phones, in one query
    per batch; shared by capture, import, calls and conversion."""

    _inherit = "crm.lead"

    @api.model
    def _find_matching_leads(self, values_list, keys, days=None, readable=False, created_ids=()):
        """The open lead of the same person for each of ``values_list``
        (lead values), by the fields ``keys`` (among MATCH_FIELDS), among
        the leads updated within the matching window; in one query.

        :param days: the matching window in days (0: any age), instead of
            the capture's setting
        :param readable: only among the leads the user may read (an import:
            whether a colleague's lead exists is not for him to learn), and
            the leads ``created_ids`` he created himself (an import's earlier
            batches, routed to a colleague since)

        :return: a list of lead ids (``False`` when none), in the order of
            ``values_list``
        """
        person_keys = [self._get_match_keys(values, keys) for values in values_list]
        by_kind = defaultdict(set)
        for person in person_keys:
            for kind, value in person:
                by_kind[kind].add(value)
        if not by_kind:
            return [False] * len(values_list)
        days = self._get_capture_match_days() if days is None else days
        since = fields.Datetime.now() - timedelta(days=days) if days > 0 else None
        conditions = []
        for kind, column in (("external_id", "external_id"), ("national_id", "national_id"), ("vat", "vat"),
                             ("email", "email_normalized"), ("phone", "phone_sanitized"),
                             ("phone", "secondary_phone_sanitized")):
            if by_kind.get(kind):
                conditions.append(SQL("%s = ANY(%s)", SQL.identifier(column), list(by_kind[kind])))
        self.flush_model(["external_id", "national_id", "vat", "email_normalized", "phone_sanitized",
                          "secondary_phone_sanitized", "active", "probability", "company_id"])
        rows = self.env.execute_query(SQL(
            """SELECT id, write_date, external_id, national_id, vat, email_normalized, phone_sanitized,
                      secondary_phone_sanitized
                 FROM crm_lead
                WHERE active AND COALESCE(probability, 0) < 100 AND %s
                  AND (company_id IS NULL OR company_id = ANY(%s)) AND (%s)""",
            SQL("write_date >= %s", since) if since else SQL("TRUE"), self.env.companies.ids,
            SQL(" OR ").join(conditions)))
        if readable and rows:
            # the candidates the record rules let the user read, in one query
            allowed = set(self.browse(row[0] for row in rows)._filtered_access("read").ids) | set(created_ids)
            rows = [row for row in rows if row[0] in allowed]
        index = matching.index_candidates((row[0], row[1], self._get_match_keys({
            "external_id": row[2], "national_id": row[3], "vat": row[4], "email_from": row[5],
            "phone": row[6], "mobile": row[7]}, MATCH_FIELDS)) for row in rows)
        return [matching.best_match(person, index) or False for person in person_keys]

    @api.model
    def _find_matching_customers(self, values_list, keys):
        """The customer (a contact with a won opportunity or a customer
        rank) of each of ``values_list``: its best match among customers.

        :return: a list of res.partner ids (``False`` when none)
        """
        return [matches[0][0] if matches else False
                for matches in self._find_matching_partners(values_list, keys, customers_only=True)]

    @api.model
    def _find_matching_partners(self, values_list, keys, customers_only=False):
        """The contacts of each of ``values_list`` (lead values), by e-mail,
        national id, economic code and either phone number, in one query:
        best first, by the strongest key shared (tools.matching.MATCH_KEYS),
        then companies before their contacts, then the oldest.

        :param customers_only: only contacts with a won opportunity or a
            customer rank
        :return: one list of ``(res.partner id, kind of key)`` per values
        """
        Partner = self.env["res.partner"]
        person_keys = [self._get_match_keys(values, keys) for values in values_list]
        columns = [("national_id", "national_id"), ("vat", "vat"), ("email", "email_normalized")]
        columns += [("phone", fname) for fname in ("phone_sanitized", "secondary_phone_sanitized")
                    if fname in Partner._fields]
        by_column = defaultdict(set)
        for person in person_keys:
            for kind, value in person:
                for column_kind, column in columns:
                    if column_kind == kind:
                        by_column[column].add(value)
        if not by_column:
            return [[] for __ in values_list]
        has_rank = "customer_rank" in Partner._fields  # with account (or sale) installed
        Partner.flush_model([column for __, column in columns] + ["active", "is_company", "company_id"]
                            + (["customer_rank"] if has_rank else []))
        customers = SQL("TRUE")
        if customers_only:
            self.flush_model(["partner_id", "probability", "active"])
            customers = SQL("""(%s OR EXISTS (SELECT 1 FROM crm_lead l
                                              WHERE l.partner_id = p.id AND l.active AND l.probability = 100))""",
                            SQL("p.customer_rank > 0") if has_rank else SQL("FALSE"))
        rows = self.env.execute_query(SQL(
            """SELECT p.id, p.is_company, %s
                 FROM res_partner p
                WHERE p.active AND (p.company_id IS NULL OR p.company_id = ANY(%s)) AND (%s) AND %s""",
            SQL(", ").join(SQL("p.%s", SQL.identifier(column)) for __, column in columns),
            self.env.companies.ids,
            SQL(" OR ").join(SQL("p.%s = ANY(%s)", SQL.identifier(column), sorted(values))
                             for column, values in by_column.items()),
            customers))
        index = matching.index_ranked(
            (row[0], (not row[1], row[0]),
             [(kind, value) for (kind, __), value in zip(columns, row[2:], strict=True) if value])
            for row in rows)
        return [matching.rank_matches(person, index) for person in person_keys]

    @api.model
    def _get_match_keys(self, values, keys):
        """The match keys (see tools.matching.match_keys) of lead values,
        limited to the fields ``keys``: e-mail normalized, phones in E.164
        (read in the company's country when they have no country code)."""
        country_code = self.env.company.country_id.code
        phones = [matching.normalize_phone(values[fname], country_code)
                  for fname in ("phone", "mobile") if fname in keys and values.get(fname)]
        return matching.match_keys(
            email=matching.normalize_email(values.get("email_from")) if "email_from" in keys else None,
            phones=phones,
            national_id=values.get("national_id") if "national_id" in keys else None,
            vat=values.get("vat") if "vat" in keys else None,
            external_id=values.get("external_id") if "external_id" in keys else None,
        )

    @api.model
    def _get_capture_match_days(self):
        """Days of the matching window; 0: open leads of any age."""
        # sudo: settings are readable by administrators only, and apply to every capture
        return int(self.env["ir.config_parameter"].sudo().get_param("lead_management.capture_match_days", 90) or 0)

    @api.model
    def _is_capture_customer_matching_enabled(self):
        # sudo: see _get_capture_match_days
        return str2bool(self.env["ir.config_parameter"].sudo().get_param(
            "lead_management.capture_match_customers", "True"))
