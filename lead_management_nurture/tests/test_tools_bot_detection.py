import ipaddress
import time
import unittest
from datetime import datetime, timedelta

from odoo.addons.lead_management_nurture.tools import bot_detection

SENT = datetime(2026, 3, 2, 8, 0)
ODOO_BOTS = ("bot", "crawl", "curl", "preview")
IPHONE_MAIL = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Mobile/15E148")


class TestBotDetection(unittest.TestCase):
    """The rules that tell a machine's open or click from a person's."""

    RANGES = bot_detection.RangeIndex(bot_detection.parse_ranges(
        "17.0.0.0/8,US,,,\n2620:149::/32,US,,,\n172.224.226.0/27,GB,GB-EN,London,\n")[0])

    def test_parse_ranges(self):
        networks, errors = bot_detection.parse_ranges(
            "prefix,country\n# a comment\n\n17.0.0.0/8,US\n\"104.28.0.0/24\",DE\n2a01:b740::/32,IE\n"
            "not a range,FR\n10.0.0.300/8\n")
        self.assertEqual([str(net) for net in networks], ["17.0.0.0/8", "104.28.0.0/24", "2a01:b740::/32"])
        self.assertEqual([number for number, _line in errors], [7, 8], "the header is skipped, not the bad lines")
        self.assertEqual(bot_detection.parse_ranges("17.1.2.3/8")[0], [ipaddress.ip_network("17.0.0.0/8")])

    def test_range_lookup(self):
        self.assertIn("17.58.1.2", self.RANGES)
        self.assertIn("172.224.226.31", self.RANGES)
        self.assertNotIn("172.224.226.32", self.RANGES)
        self.assertNotIn("16.255.255.255", self.RANGES)
        self.assertNotIn("18.0.0.0", self.RANGES)
        self.assertIn("2620:149:a::1", self.RANGES)
        self.assertIn("::ffff:17.1.1.1", self.RANGES, "an IPv4 address mapped in IPv6")
        self.assertNotIn("2001:db8::1", self.RANGES)
        for unreadable in ("", None, "not an address", "17.0.0"):
            self.assertNotIn(unreadable, self.RANGES)
        self.assertNotIn("17.0.0.1", bot_detection.RangeIndex())

    def test_ranges_are_merged_and_written_back(self):
        ranges = bot_detection.RangeIndex([ipaddress.ip_network(net) for net in (
            "10.0.0.0/25", "10.0.0.128/25", "10.0.0.5/32", "2001:db8::/48")])
        self.assertEqual(len(ranges), 2)
        self.assertEqual(ranges.to_csv(), "10.0.0.0/24\n2001:db8::/48\n")

    def test_lookup_is_fast(self):
        networks = [ipaddress.ip_network(f"{a}.{b}.{c}.0/27") for a in range(100, 104)
                    for b in range(250) for c in range(0, 250, 2)]
        ranges = bot_detection.RangeIndex(networks)
        self.assertEqual(len(ranges), len(networks))
        start = time.process_time()
        hits = sum(f"101.{n % 250}.{(n * 7) % 250}.1" in ranges for n in range(100_000))
        elapsed = time.process_time() - start
        self.assertGreater(hits, 0)
        self.assertLess(elapsed, 2.0, "100,000 lookups in 125,000 ranges: bisection, not a scan")

    def test_user_agents(self):
        self.assertTrue(bot_detection.is_scanner_agent("Googlebot/2.1", ODOO_BOTS))
        self.assertTrue(bot_detection.is_scanner_agent("curl/8.5.0", ODOO_BOTS))
        self.assertTrue(bot_detection.is_scanner_agent("Mozilla/5.0 HeadlessChrome/120.0", ODOO_BOTS))
        self.assertTrue(bot_detection.is_scanner_agent("Barracuda Sentinel (EE)", ()))
        self.assertTrue(bot_detection.is_scanner_agent("", ODOO_BOTS), "a mail client always says who it is")
        self.assertFalse(bot_detection.is_scanner_agent(IPHONE_MAIL, ODOO_BOTS))
        self.assertTrue(bot_detection.is_mpp_agent("Mozilla/5.0"))
        self.assertTrue(bot_detection.is_mpp_agent(" mozilla/5.0 "))
        self.assertFalse(bot_detection.is_mpp_agent(IPHONE_MAIL))

    def test_too_fast(self):
        self.assertTrue(bot_detection.is_too_fast(SENT, SENT + timedelta(seconds=2), 2))
        self.assertFalse(bot_detection.is_too_fast(SENT, SENT + timedelta(seconds=3), 2))
        self.assertFalse(bot_detection.is_too_fast(None, SENT, 2), "not sent yet: no rule")
        self.assertFalse(bot_detection.is_too_fast(SENT, SENT, 0), "0 seconds: no rule")

    def test_all_links(self):
        burst = [SENT, SENT + timedelta(seconds=1), SENT + timedelta(seconds=2)]
        self.assertTrue(bot_detection.clicked_all_links(burst, 3, 2))
        self.assertFalse(bot_detection.clicked_all_links(burst[:2], 3, 2), "a link was not clicked")
        self.assertFalse(bot_detection.clicked_all_links([SENT, SENT + timedelta(seconds=30)], 2, 2))
        self.assertFalse(bot_detection.clicked_all_links([SENT], 1, 2), "one link is no evidence")

    def test_honeypot(self):
        url = bot_detection.honeypot_url("https://crm.example.com/")
        self.assertEqual(url, "https://crm.example.com/?lm_honeypot=1")
        self.assertTrue(bot_detection.is_honeypot_url(url + "&utm_source=x"))
        self.assertFalse(bot_detection.is_honeypot_url("https://www.example.com/case?utm_source=x"))
        self.assertFalse(bot_detection.is_honeypot_url(False))
        markup = bot_detection.honeypot_html('https://x.example/?a=1&b="2"')
        self.assertIn('aria-hidden="true"', markup)
        self.assertIn("display:none", markup)
        self.assertIn('tabindex="-1"', markup)
        self.assertIn("a=1&amp;b=&quot;2&quot;", markup)

    def test_reasons(self):
        later = SENT + timedelta(minutes=5)
        self.assertIsNone(bot_detection.open_reason("5.6.7.8", IPHONE_MAIL, SENT, later, self.RANGES, ODOO_BOTS, 2))
        self.assertIsNone(bot_detection.open_reason(None, None, SENT, later, self.RANGES, ODOO_BOTS, 2),
                          "no client known: only the timing rules")
        self.assertEqual(bot_detection.open_reason(
            "17.1.1.1", IPHONE_MAIL, SENT, later, self.RANGES, ODOO_BOTS, 2), "apple_proxy")
        self.assertEqual(bot_detection.open_reason(
            "5.6.7.8", "Mozilla/5.0", SENT, later, self.RANGES, ODOO_BOTS, 2), "apple_proxy")
        self.assertEqual(bot_detection.open_reason(
            "17.1.1.1", "curl/8", SENT, SENT, self.RANGES, ODOO_BOTS, 2), "scanner_agent")
        self.assertEqual(bot_detection.open_reason(None, None, SENT, SENT, self.RANGES, ODOO_BOTS, 2), "too_fast")
        self.assertIsNone(bot_detection.click_reason(IPHONE_MAIL, SENT, later, ODOO_BOTS, 2))
        self.assertEqual(bot_detection.click_reason(IPHONE_MAIL, SENT, later, ODOO_BOTS, 2, honeypot=True),
                         "honeypot")
        self.assertEqual(bot_detection.click_reason("crawler", SENT, later, ODOO_BOTS, 2, all_links=True),
                         "scanner_agent")
        self.assertEqual(bot_detection.click_reason(IPHONE_MAIL, SENT, later, ODOO_BOTS, 2, all_links=True),
                         "all_links")
        self.assertEqual(bot_detection.click_reason(None, SENT, SENT, ODOO_BOTS, 2), "too_fast")


if __name__ == "__main__":
    unittest.main()
