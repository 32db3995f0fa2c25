"""Spreadsheets of leads without the ORM: the headers people write (in
English, Persian and Georgian) and the lead field each one means, numbers
and dates as typed (Persian digits and separators, Jalali dates), the
leading zeros a number cell loses, the encoding of a CSV file, and XLSX
files read in streaming mode, within limits of rows and size, and written
with every text a text cell, never a formula.
"""
import csv
import io
import re
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape

import openpyxl
import phonenumbers
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from odoo.addons.web_jalali.tools.jalali import to_gregorian as jalali_to_gregorian

from . import national_id
from .normalize import normalize_digits, normalize_text

#: lead fields (and ``first_name`` / ``last_name``, joined into the contact
#: name) and the headers that mean them, besides their labels in Odoo
HEADER_ALIASES = {
    "contact_name": ["contact", "contact name", "full name", "name and surname", "نام و نام خانوادگی",
                     "نام کامل", "نام مخاطب", "مخاطب", "სახელი და გვარი", "საკონტაქტო პირი", "კონტაქტი"],
    "first_name": ["first name", "given name", "name", "نام", "სახელი"],
    "last_name": ["last name", "surname", "family name", "نام خانوادگی", "فامیلی", "გვარი"],
    "partner_name": ["company", "company name", "organization", "organisation", "شرکت", "نام شرکت", "سازمان",
                     "კომპანია", "ორგანიზაცია"],
    "email_from": ["email", "e-mail", "mail", "email address", "ایمیل", "پست الکترونیک", "رایانامه",
                   "ელფოსტა", "ელ-ფოსტა", "ელ. ფოსტა"],
    "mobile": ["mobile", "cell", "cell phone", "mobile phone", "موبایل", "تلفن همراه", "شماره همراه", "همراه",
               "شماره موبایل", "მობილური", "მობილური ტელეფონი"],
    "phone": ["phone", "telephone", "tel", "phone number", "تلفن", "تلفن ثابت", "شماره تماس", "ტელეფონი"],
    "national_id": ["national id", "national code", "کد ملی", "شماره ملی", "პირადი ნომერი"],
    "vat": ["vat", "tax id", "economic code", "کد اقتصادی", "საიდენტიფიკაციო კოდი", "საგადასახადო კოდი"],
    "state": ["state", "province", "region", "استان", "რეგიონი", "მხარე"],
    "city": ["city", "town", "شهر", "ქალაქი"],
    "country": ["country", "کشور", "ქვეყანა"],
    "street": ["address", "street", "آدرس", "نشانی", "მისამართი"],
    "zip": ["zip", "postal code", "postcode", "کد پستی", "საფოსტო ინდექსი"],
    "function": ["job title", "job position", "position", "سمت", "عنوان شغلی", "თანამდებობა"],
    "website": ["website", "web site", "site", "وب سایت", "وبسایت", "ვებგვერდი", "ვებსაიტი"],
    "description": ["notes", "note", "description", "comment", "توضیحات", "یادداشت", "شرح", "შენიშვნა", "აღწერა"],
    "name": ["subject", "title", "lead", "opportunity", "عنوان", "موضوع", "სათაური", "თემა"],
    "utm_source": ["source", "lead source", "منبع", "წყარო"],
    "utm_medium": ["medium", "رسانه", "არხი"],
    "utm_campaign": ["campaign", "کمپین", "کارزار", "კამპანია"],
    "external_id": ["external id", "reference", "ref", "source reference", "کد مرجع", "شناسه مرجع",
                    "იდენტიფიკატორი"],
    "expected_revenue": ["expected revenue", "revenue", "budget", "درآمد مورد انتظار", "بودجه",
                         "მოსალოდნელი შემოსავალი", "ბიუჯეტი"],
    "date_deadline": ["expected closing", "closing date", "deadline", "تاریخ بسته شدن", "تاریخ پیش بینی",
                      "დახურვის თარიღი"],
    "lang": ["language", "زبان", "ენა"],
}
#: rows of a file read at most, its header left out (see SpreadsheetTooLarge)
MAX_ROWS = 100_000
#: bytes of a file read at most: a CSV or XLS file's, a zip's (XLSX, ODS) once uncompressed
MAX_SIZE = 50 * 1024 * 1024
#: cells of an OpenDocument spreadsheet read at most: Odoo's reader holds the whole document
MAX_ODS_CELLS = 500_000
#: first characters that make a spreadsheet read a text as a formula (``=HYPERLINK(…)``,
#: ``=cmd|' /C calc'!A0``, ``+``, ``-``, ``@``, and a tab or a carriage return before one)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_NOISE = re.compile(r"[\s\u200c\u200d_\-.:*()\[\]#/]+")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_DATE_PARTS = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})")
#: the start of a sheet's row element, with or without a namespace prefix
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
#: in an OpenDocument sheet: a row's start and end, a cell's start and the times it is repeated
_ODS_TAG = re.compile(
    rb"<(?:[\w.-]+:)?table-row(?=[\s/>])|</(?:[\w.-]+:)?table-row>"
    rb"|<(?:[\w.-]+:)?(?:covered-)?table-cell(?=[\s/>])(?:[^<>]*?number-columns-repeated=[\"'](\d+))?")


def normalize_header(value):
    """A header as compared: digits, Arabic letters, case, spaces,
    half-spaces and punctuation left out (``تلفن‌همراه`` = ``تلفن همراه``)."""
    return _HEADER_NOISE.sub("", normalize_text(str(value or "")))


def guess_mapping(headers, labels=None):
    """The lead field of each header that means one, each field once.

    :param headers: the header row
    :param labels: {text: field} recognized besides HEADER_ALIASES (the
        fields' labels in the user's language, their technical names)
    :return: {column index: field}
    """
    known = {}
    for field, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            known.setdefault(normalize_header(alias), field)
    for text, field in (labels or {}).items():
        known.setdefault(normalize_header(text), field)
    mapping, used = {}, set()
    for index, header in enumerate(headers):
        field = known.get(normalize_header(header))
        if field and field not in used:
            mapping[index] = field
            used.add(field)
    return mapping


def parse_number(value):
    """The number written in ``value`` (Persian digits, Persian, Arabic or
    Latin thousands separators and decimal marks, a currency after or before), or
    ``None`` when it is not one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = normalize_digits(str(value or "")).strip()
    text = text.replace("\u066b", ".").replace("\u066c", "").replace("\u00a0", "").replace(" ", "")
    text = text.replace("\u060c", ",")  # the Arabic comma, written as a thousands separator (۱۲،۵۰۰)
    text = re.sub(r"^[^\d+-]+|[^\d]+$", "", text)  # a currency symbol or code
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif "," in text:
        groups = text.split(",")
        if all(len(group) == 3 for group in groups[1:]):
            text = "".join(groups)
        elif len(groups) == 2:
            text = ".".join(groups)
    return float(text) if _NUMBER.fullmatch(text) else None


def restore_leading_zeros(field, value, country_code):
    """The national id or phone number of a cell that a spreadsheet stored
    as a number (``0499370899`` typed, ``499370899`` stored, and so in a
    CSV file saved from the sheet): its leading
    zeros back, by the national length in the country ``country_code`` —
    10 digits for an Iranian national id, 11 for a Georgian personal number
    (when the result is valid), a phone number in its national form
    (``09121234567``) or, when it only reads as such, in its international
    one (``4915112345678`` → ``+4915112345678``). A value not made of ASCII
    digits only (a number never starts with 0), or that nothing makes
    valid, is returned as it is.

    :param str field: ``national_id``, ``phone`` or ``mobile``
    """
    if not value or not value.isascii() or not value.isdigit() or value.startswith("0"):
        return value
    if field == "national_id":
        return national_id.restore_leading_zeros(value, country_code)
    for text, region in ((value, (country_code or "").upper() or None), ("+" + value, None)):
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            if text.startswith("+"):
                return text
            return re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return value


def parse_date(value):
    """The date written in ``value``: a date or datetime, ISO
    (``2026-12-01``), day first (``01/12/2026``) or Jalali (``۱۴۰۵/۰۹/۱۰``,
    years before 1700); ``None`` when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_PARTS.fullmatch(normalize_digits(str(value or "")).strip().split(" ")[0])
    if not match:
        return None
    first, second, third = (int(part) for part in match.groups())
    try:
        if len(match.group(1)) == 4:
            return jalali_to_gregorian(first, second, third) if first < 1700 else date(first, second, third)
        if len(match.group(3)) == 4:
            return jalali_to_gregorian(third, second, first) if third < 1700 else date(third, second, first)
    except ValueError:
        return None
    return None


def guess_encoding(content):
    """The encoding of a CSV file: UTF-8 (with or without BOM), UTF-16 with
    a BOM, else Windows-1256 (what Persian Excel writes)."""
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "windows-1256"
    return "utf-8"


def guess_separator(content, encoding, lines=30):
    """The separator of a CSV file whose first rows may be titles of one
    cell (an ad platform's report, which base_import's guess reads as one
    column): of tab, semicolon and comma, the one on most of its first
    ``lines`` lines, in that order on a tie; "" (base_import's guess) for a
    workbook or when none is found."""
    if content.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return ""
    head = content[:65536].decode(encoding or "utf-8", errors="replace").splitlines()[:lines]
    count, __, separator = max((sum(separator in line for line in head), -order, separator)
                               for order, separator in enumerate(("\t", ";", ",")))
    return separator if count else ""


class SpreadsheetTooLarge(ValueError):
    """A file beyond a limit: ``limit`` rows, cells or bytes (``kind``
    ``rows``, ``cells`` or ``size``)."""

    def __init__(self, kind, limit):
        super().__init__(f"more than {limit} {'bytes' if kind == 'size' else kind}")
        self.kind = kind
        self.limit = limit


def check_size(content, max_size=MAX_SIZE):
    """SpreadsheetTooLarge when ``content`` holds more than ``max_size``
    bytes: a zip (XLSX, ODS) by the uncompressed sizes of its members, read
    from its directory before anything is uncompressed (a member that grows
    beyond the size it declares fails its CRC check instead), any other
    file by its own size."""
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                size = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            size = len(content)  # not a zip: the readers will say so
    else:
        size = len(content)
    if size > max_size:
        raise SpreadsheetTooLarge("size", max_size)


def check_csv_rows(content, encoding, max_rows):
    """SpreadsheetTooLarge when the CSV ``content`` holds more than
    ``max_rows`` rows, counted one row at a time as the csv module reads
    them (a quoted cell may hold line breaks), before it is parsed whole."""
    if content.count(b"\n") + content.count(b"\r") < max_rows:
        return
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding or "utf-8", errors="replace", newline="")
    try:
        for count, _row in enumerate(csv.reader(text), start=1):
            if count > max_rows:
                raise SpreadsheetTooLarge("rows", max_rows)
    except csv.Error:
        return  # not CSV as the csv module reads it: base_import's reader tells what is wrong


def is_xlsx(content):
    """Whether ``content`` is an XLSX workbook (a zip with a workbook part),
    not any zip renamed."""
    if not content.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def is_ods(content):
    """Whether ``content`` is an OpenDocument spreadsheet (a zip whose
    ``mimetype`` entry says so)."""
    if not content.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except (zipfile.BadZipFile, KeyError):
        return False


def read_xlsx(content, max_rows=None):
    """The rows of the first sheet of an XLSX workbook, read in streaming
    mode: texts, numbers as written (``12`` not ``12.0``), dates as ISO
    dates; rows without any value left out, each row ending at its last
    cell (the sheet's dimensions are not trusted). ValueError when the workbook
    cannot be read, SpreadsheetTooLarge as soon as the sheet has more than
    ``max_rows`` rows, empty ones included (their reading takes time too).
    Check the file's size first (check_size): openpyxl reads the shared
    texts of a workbook at once.

    The other sheets are not opened: openpyxl's read-only mode would read
    each sheet without dimensions through, once, to find its size."""
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheet = next((_StreamedSheet(reader.wb, sheet.name, rel.target, reader.shared_strings)
                      for sheet, rel in reader.parser.find_sheets()
                      if rel.target in reader.valid_files and "chartsheet" not in rel.Type), None)
    except Exception as error:  # openpyxl raises many kinds, all mean "not a workbook"
        raise ValueError(str(error)) from error
    if sheet is None:
        reader.archive.close()
        raise ValueError("the workbook has no sheet")
    try:
        if max_rows is not None:
            _check_rows(reader.archive, sheet._worksheet_path, max_rows)
        for count, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if max_rows is not None and count > max_rows:
                raise SpreadsheetTooLarge("rows", max_rows)
            values = [_cell_text(value) for value in row]
            if any(values):
                yield values
    finally:
        reader.archive.close()


def _check_rows(archive, path, max_rows):
    """SpreadsheetTooLarge as soon as the sheet ``path`` has more than
    ``max_rows`` row elements, counted in its text without parsing it: a
    hundred times faster than openpyxl reads rows of texts."""
    count = 0
    for chunk in _xml_chunks(archive, path):
        count += len(_ROW_TAG.findall(chunk))
        if count > max_rows:
            raise SpreadsheetTooLarge("rows", max_rows)


def check_ods(content, max_rows, max_cells=MAX_ODS_CELLS):
    """SpreadsheetTooLarge when the OpenDocument spreadsheet ``content``
    has more than ``max_rows`` rows or ``max_cells`` cells (repeated ones
    counted as many times as Odoo's reader repeats them), counted in its
    text without parsing it: Odoo's reader holds the whole document in
    memory, a cell repeated a billion times included."""
    rows = cells = pending = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for chunk in _xml_chunks(archive, "content.xml"):
            for match in _ODS_TAG.finditer(chunk):
                tag = match.group()
                if tag.startswith(b"</"):  # the row's last cell: read once, repeated or not
                    cells, pending = cells + min(pending, 1), 0
                elif tag.endswith(b"table-row"):
                    rows += 1
                else:  # the cell before was not the last: read as many times as repeated
                    cells, pending = cells + pending, int(match.group(1) or 1)
            if rows > max_rows:
                raise SpreadsheetTooLarge("rows", max_rows)
            if cells + pending > max_cells:
                raise SpreadsheetTooLarge("cells", max_cells)


def _xml_chunks(archive, path):
    """The text of the zip member ``path``, uncompressed a megabyte at a
    time, each chunk cut before a ``<``: an element's start tag (no ``<``
    inside) is never cut in two."""
    carry = b""
    with archive.open(path) as source:
        while chunk := source.read(1024 * 1024):
            text = carry + chunk
            cut = max(text.rfind(b"<"), 0)
            yield text[:cut]
            carry = text[cut:]
    yield carry


class _StreamedSheet(ReadOnlyWorksheet):
    """A sheet read row by row, whose size is not looked for: without the
    dimensions in its header, openpyxl would parse it all to find them, and
    with them it pads every row to the width they claim (16,384 columns)."""

    def _get_size(self):
        return None


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def write_xlsx(header, rows, rtl=False):
    """An XLSX workbook of one sheet: ``header`` in bold, then ``rows``;
    right to left for Persian. Texts are text cells, never formulas: a
    text starting as a formula (see FORMULA_START) is also marked as
    Excel marks a text typed after a quote, so that editing the cell keeps
    it a text, while its value stays as in the file imported (a corrected
    row imports as typed); characters XLSX cannot hold are left out."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.sheet_view.rightToLeft = rtl
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, text, font=bold) for text in header])
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()



def write_repeated_xlsx(header, row, count):
    """An XLSX file of ``header`` and ``count`` times ``row`` (texts),
    written as a stream without holding the sheet: the huge, tiny files
    (zip bombs) the import's limits are tested and measured with."""
    def xml_row(cells):
        return ("<row>" + "".join(f'<c t="inlineStr"><is><t>{escape(cell)}</t></is></c>' for cell in cells)
                + "</row>").encode()

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>' + xml_row(header))
            repeated = xml_row(row)
            for __ in range(count // 10_000):
                sheet.write(repeated * 10_000)
            sheet.write(repeated * (count % 10_000))
            sheet.write(b"</sheetData></worksheet>")
    return output.getvalue()


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _text_cell(sheet, value, font=None):
    """A cell of ``value``, a text one (``t="inlineStr"``) when it is a
    string: openpyxl would make a string starting with ``=`` a formula."""
    if not isinstance(value, str) and font is None:
        return value
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_START)
    else:
        cell.value = value
    if font is not None:
        cell.font = font
    return cell
