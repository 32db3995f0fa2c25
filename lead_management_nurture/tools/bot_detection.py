"""Whether an e-mail open or click is a machine's (a mail privacy proxy, a
link scanner) rather than the person's. Pure functions on plain values:
the models feed them the trace, the request's address and user agent and
the settings (see mailing.trace._get_machine_reasons).

The rules, in the order a reason is given when several hold:

- ``honeypot``: the hidden link of a cadence e-mail was clicked (no person
  sees it);
- ``scanner_agent``: the user agent is a known bot, crawler or scanner
  (Odoo's ``ir.http.bots`` and SCANNER_MARKERS), or is empty -- a mail
  client and a browser always send one;
- ``apple_proxy`` (opens only): Apple Mail Privacy Protection fetches the
  images of every e-mail from Apple's egress addresses with the bare user
  agent "Mozilla/5.0" (no OS, no engine); an open from an address of Apple's
  published egress list, or with that bare user agent, is the proxy's. A
  click from such an address is a person browsing through iCloud Private
  Relay, not a machine: MPP never follows links;
- ``all_links``: every link of an e-mail (two or more) clicked within a few
  seconds, as scanners that check each link do;
- ``too_fast``: opened or clicked within a few seconds of sending.
"""
import bisect
import html
import ipaddress
from urllib.parse import parse_qsl, urlsplit

#: user agents of security scanners and HTTP libraries, besides Odoo's bots list
SCANNER_MARKERS = (
    "headlesschrome", "phantomjs", "python-requests", "python-urllib", "go-http-client", "libwww-perl",
    "scanner", "barracuda", "mimecast", "proofpoint",
)
#: the user agent of Apple Mail Privacy Protection's image proxy
MPP_USER_AGENT = "mozilla/5.0"
#: query parameter that marks the target URL of the hidden link of cadence e-mails
HONEYPOT_PARAMETER = "lm_honeypot"


class RangeIndex:
    """IP networks of both families, merged, looked up by bisection."""

    def __init__(self, networks=()):
        self._starts = {4: [], 6: []}
        self._ends = {4: [], 6: []}
        for version in (4, 6):
            family = [net for net in networks if net.version == version]
            for network in ipaddress.collapse_addresses(family):
                self._starts[version].append(int(network.network_address))
                self._ends[version].append(int(network.broadcast_address))

    def to_csv(self):
        """The merged ranges, one CIDR per line."""
        lines = []
        for version, address_class in ((4, ipaddress.IPv4Address), (6, ipaddress.IPv6Address)):
            for start, end in zip(self._starts[version], self._ends[version], strict=True):
                lines.extend(str(network) for network in ipaddress.summarize_address_range(
                    address_class(start), address_class(end)))
        return "\n".join(lines) + "\n"

    def __len__(self):
        return len(self._starts[4]) + len(self._starts[6])

    def __contains__(self, address):
        """``address``: a string; an unreadable one is in no range."""
        try:
            ip = ipaddress.ip_address((address or "").strip())
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        starts = self._starts[ip.version]
        position = bisect.bisect_right(starts, int(ip)) - 1
        return position >= 0 and int(ip) <= self._ends[ip.version][position]


def parse_ranges(text):
    """The networks of a CSV whose first column is an IP range in CIDR
    notation (Apple's egress-ip-ranges.csv: ``prefix,country,region,city,``).
    Blank lines, lines starting with ``#`` and a header line are skipped.

    :return: (list of ip_network, list of (line number, line) not readable)
    """
    networks, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        cell = line.split(",", 1)[0].strip().strip('"')
        if not cell or cell.startswith("#"):
            continue
        try:
            networks.append(ipaddress.ip_network(cell, strict=False))
        except ValueError:
            if not networks and not errors and not any(char.isdigit() for char in cell):
                continue  # a header
            errors.append((number, line.strip()))
    return networks, errors


def is_scanner_agent(user_agent, bot_markers=()):
    """Empty, or naming a known bot or scanner (case-insensitive)."""
    agent = (user_agent or "").strip().lower()
    return not agent or any(marker in agent for marker in (*bot_markers, *SCANNER_MARKERS))


def is_mpp_agent(user_agent):
    """The bare "Mozilla/5.0" of Apple's image proxy, without OS details."""
    return (user_agent or "").strip().lower() == MPP_USER_AGENT


def is_too_fast(sent, moment, seconds):
    """``moment`` is ``seconds`` or less after ``sent`` (datetimes); no
    sending date or ``seconds`` of 0 or less: never."""
    if not sent or seconds <= 0:
        return False
    return (moment - sent).total_seconds() <= seconds


def clicked_all_links(first_clicks, link_count, seconds):
    """Every link of an e-mail clicked within ``seconds``.

    :param first_clicks: the first click of each link of the e-mail clicked
        (datetimes, one per link)
    :param int link_count: the links of the e-mail (a single link is no evidence)
    """
    if link_count < 2 or seconds <= 0 or len(first_clicks) < link_count:
        return False
    return (max(first_clicks) - min(first_clicks)).total_seconds() <= seconds


def is_honeypot_url(url):
    """The target URL of the hidden link of cadence e-mails."""
    return any(key == HONEYPOT_PARAMETER for key, _value in parse_qsl(urlsplit(url or "").query))


def honeypot_url(base_url):
    return f"{base_url.rstrip('/')}/?{HONEYPOT_PARAMETER}=1"


def honeypot_html(url):
    """An invisible link: hidden to the eye (also in Outlook), to screen
    readers and to keyboard navigation; only machines follow it."""
    return (
        '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:0;line-height:0" '
        'aria-hidden="true">'
        f'<a href="{html.escape(url)}" tabindex="-1" aria-hidden="true" '
        'style="display:none;color:transparent;font-size:0"></a>'
        '</div>'
    )


def open_reason(ip, user_agent, sent, moment, apple_ranges, bot_markers, seconds):
    """Why an open is a machine's, or None. ``ip`` and ``user_agent`` are
    None when the open did not come through a request (nothing is known of
    the client)."""
    if user_agent is not None and is_scanner_agent(user_agent, bot_markers):
        return "scanner_agent"
    if (ip and ip in apple_ranges) or (user_agent is not None and is_mpp_agent(user_agent)):
        return "apple_proxy"
    if is_too_fast(sent, moment, seconds):
        return "too_fast"
    return None


def click_reason(user_agent, sent, moment, bot_markers, seconds, honeypot=False, all_links=False):
    """Why a click is a machine's, or None (see open_reason)."""
    if honeypot:
        return "honeypot"
    if user_agent is not None and is_scanner_agent(user_agent, bot_markers):
        return "scanner_agent"
    if all_links:
        return "all_links"
    if is_too_fast(sent, moment, seconds):
        return "too_fast"
    return None
