import io
import zipfile
from datetime import date, datetime
from unittest import TestCase

import openpyxl

from ..tools.spreadsheet import (
    SpreadsheetTooLarge,
    check_csv_rows,
    check_ods,
    check_size,
    guess_encoding,
    guess_mapping,
    is_ods,
    is_xlsx,
    jalali_to_gregorian,
    parse_date,
    parse_number,
    read_xlsx,
    restore_leading_zeros,
    write_xlsx,
)


class TestSpreadsheet(TestCase):
    """Headers, numbers, dates and encodings as people write them."""

    def test_headers_in_three_languages(self):
        header = ["نام", "نام‌خانوادگی", "تلفن همراه", "کد ملي", "ایمیل", "Company", "استان", "სახელი", "??"]
        self.assertEqual(guess_mapping(header), {
            0: "first_name", 1: "last_name", 2: "mobile", 3: "national_id", 4: "email_from", 5: "partner_name",
            6: "state"}, "half-space, Arabic yeh; a field once (სახელი is the first name again)")
        self.assertEqual(guess_mapping(["Contact Name"], {"Contact Name": "contact_name"}), {0: "contact_name"})

    def test_numbers(self):
        cases = {"۱۲٬۵۰۰٫۵": 12500.5, "12,500.50": 12500.5, "12.500,50": 12500.5, "1 000 000 IRR": 1e6,
                 "$12": 12.0, "-3": -3.0, "7": 7.0, "twelve": None, "": None, "1-2": None}
        for text, number in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_number(text), number)

    def test_leading_zeros_of_number_cells(self):
        """What a number cell keeps of an id or a phone number typed with
        leading zeros, given them back by the national length."""
        cases = [
            ("national_id", "499370899", "IR", "0499370899"),      # a Tehran code: 10 digits
            ("national_id", "13542419", "IR", "0013542419"),
            ("national_id", "1024054321", "GE", "01024054321"),    # a Georgian personal number: 11 digits
            ("national_id", "13542418", "IR", "13542418"),         # no zeros make it valid: left for the error
            ("national_id", "499370899", "US", "499370899"),       # a country without a known length
            ("mobile", "9121234567", "IR", "09121234567"),
            ("phone", "2188776655", "IR", "02188776655"),
            ("phone", "322123456", "GE", "0322123456"),            # a Tbilisi landline
            ("mobile", "555123456", "GE", "555123456"),            # a Georgian mobile has no leading zero
            ("mobile", "989121234567", "GE", "+989121234567"),     # a country code without its +
            ("mobile", "4915112345678", "IR", "+4915112345678"),
            ("mobile", "09121234567", "IR", "09121234567"),        # typed as text: as typed
            ("mobile", "00989121234567", "IR", "00989121234567"),
            ("mobile", "۹۱۲۱۲۳۴۵۶۷", "IR", "۹۱۲۱۲۳۴۵۶۷"),          # Persian digits are text, not a number
            ("mobile", "+98 912 123 4567", "IR", "+98 912 123 4567"),
            ("mobile", "123", "IR", "123"),
            ("mobile", "", "IR", ""),
        ]
        for field, value, country, expected in cases:
            with self.subTest(field=field, value=value, country=country):
                self.assertEqual(restore_leading_zeros(field, value, country), expected)

    def test_dates(self):
        self.assertEqual(jalali_to_gregorian(1403, 1, 1), date(2024, 3, 20))
        self.assertEqual(jalali_to_gregorian(1399, 12, 30), date(2021, 3, 20), "a Jalali leap year")
        cases = {"2026-12-01": date(2026, 12, 1), "01/12/2026": date(2026, 12, 1), "۱۴۰۵/۰۹/۱۰": date(2026, 12, 1),
                 "2026-12-01 10:30:00": date(2026, 12, 1), "1405/13/01": None, "2026-02-30": None, "soon": None}
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(parse_date(text), expected)
        self.assertEqual(parse_date(datetime(2026, 1, 2, 3, 4)), date(2026, 1, 2))

    def test_encodings(self):
        self.assertEqual(guess_encoding("نام".encode()), "utf-8")
        self.assertEqual(guess_encoding(b"\xef\xbb\xbf" + "نام".encode()), "utf-8-sig")
        self.assertEqual(guess_encoding("نام".encode("windows-1256")), "windows-1256")
        self.assertEqual(guess_encoding("نام".encode("utf-16")), "utf-16")

    def test_xlsx_round_trip(self):
        content = write_xlsx(["Name", "Error"], [["A", "Row 2: bad"]], rtl=True)
        self.assertTrue(is_xlsx(content))
        self.assertFalse(is_xlsx(b"PK\x03\x04 not a zip"))
        self.assertEqual(list(read_xlsx(content)), [["Name", "Error"], ["A", "Row 2: bad"]])
        book = openpyxl.Workbook()
        for row in (["Name", "Amount", "Date"], ["A", 12.0, datetime(2026, 12, 1)], [None, None, None],
                    ["B", 3.5, None]):
            book.active.append(row)
        output = io.BytesIO()
        book.save(output)
        self.assertEqual(list(read_xlsx(output.getvalue())),
                         [["Name", "Amount", "Date"], ["A", "12", "2026-12-01"], ["B", "3.5"]])
        with self.assertRaises(ValueError):
            list(read_xlsx(b"PK\x03\x04 not a zip"))

    def test_ods_is_told_from_other_zips(self):
        def zipped(**files):
            output = io.BytesIO()
            with zipfile.ZipFile(output, "w") as archive:
                for name, text in files.items():
                    archive.writestr(name, text)
            return output.getvalue()

        self.assertTrue(is_ods(zipped(mimetype="application/vnd.oasis.opendocument.spreadsheet")))
        self.assertFalse(is_ods(zipped(mimetype="application/vnd.oasis.opendocument.text")))
        self.assertFalse(is_ods(zipped(notes="hello")))
        self.assertFalse(is_xlsx(zipped(mimetype="application/vnd.oasis.opendocument.spreadsheet")))

    def test_written_texts_are_never_formulas(self):
        """A text that reads as a formula (a link, a DDE command) is a text
        cell, marked as typed after a quote, its value as it was."""
        texts = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+98 912 123 4567", "-2+3", "@SUM(A1)",
                 "\t=1+1", "\r=1+1", "#N/A", "plain"]
        content = write_xlsx(["=1+1", "Error"], [texts, [12, "bad\x01"]])
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        self.assertFalse([cell.coordinate for cell in cells if cell.data_type != "s" and cell.value != 12])
        self.assertEqual([cell.value for cell in sheet[2]], texts)
        self.assertEqual([cell.quotePrefix for cell in sheet[2]], [True] * 7 + [False, False])
        self.assertTrue(sheet["A1"].quotePrefix)
        self.assertEqual([sheet["A3"].value, sheet["B3"].value], [12, "bad"], "a number stays one")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertNotIn(b"<f>", archive.read("xl/worksheets/sheet1.xml"))

    def test_limits_of_rows_and_size(self):
        rows = [["Name"], *([f"Lead {index}"] for index in range(10))]
        content = write_xlsx(rows[0], rows[1:])
        self.assertEqual(len(list(read_xlsx(content, max_rows=11))), 11)
        with self.assertRaises(SpreadsheetTooLarge) as caught:
            list(read_xlsx(content, max_rows=10))
        self.assertEqual((caught.exception.kind, caught.exception.limit), ("rows", 10))
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b" " * 100_000)
        self.assertLess(len(output.getvalue()), 1000)
        check_size(output.getvalue(), 100_000)
        with self.assertRaises(SpreadsheetTooLarge) as caught:
            check_size(output.getvalue(), 99_999)
        self.assertEqual((caught.exception.kind, caught.exception.limit), ("size", 99_999))
        check_size(b"a,b\n" * 10, 40)
        with self.assertRaises(SpreadsheetTooLarge):
            check_size(b"a,b\n" * 10, 39)
        check_size(b"PK\x03\x04 not a zip", 100)

    def test_limits_of_csv_rows(self):
        """Rows as the csv module reads them: a quoted cell's line breaks
        are not rows."""
        check_csv_rows(b"Name\n" + b"a\n" * 10, "utf-8", 11)
        check_csv_rows(b"Name,Note\n" + b'a,"line 1\nline 2\nline 3"\n' * 10, "utf-8", 11)
        with self.assertRaises(SpreadsheetTooLarge) as caught:
            check_csv_rows(b"Name\n" + b"a\n" * 11, "utf-8", 11)
        self.assertEqual((caught.exception.kind, caught.exception.limit), ("rows", 11))
        with self.assertRaises(SpreadsheetTooLarge):
            check_csv_rows(b"Name\r" + b"a\r\n" * 20, "utf-8", 11)

    def test_limits_of_opendocument_cells(self):
        """Cells repeated as Odoo's reader repeats them: all but a row's
        last one, which LibreOffice repeats to the end of the sheet."""
        def ods(rows):
            output = io.BytesIO()
            with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
                archive.writestr("content.xml", '<office:document-content xmlns:table="t" xmlns:text="x">'
                                 '<table:table>' + rows + "</table:table></office:document-content>")
            return output.getvalue()

        cell = '<table:table-cell table:number-columns-repeated="{}"><text:p>x</text:p></table:table-cell>'
        trailing = '<table:table-row>{}<table:table-cell table:number-columns-repeated="1017"/></table:table-row>'
        content = ods(trailing.format(cell.format(3)) * 1000)
        check_ods(content, max_rows=1000, max_cells=4000)
        with self.assertRaises(SpreadsheetTooLarge) as caught:
            check_ods(content, max_rows=1000, max_cells=3999)
        self.assertEqual(caught.exception.kind, "cells")
        with self.assertRaises(SpreadsheetTooLarge) as caught:
            check_ods(content, max_rows=999)
        self.assertEqual(caught.exception.kind, "rows")
        with self.assertRaises(SpreadsheetTooLarge) as caught:
            check_ods(ods(trailing.format(cell.format(1_000_000_000))), max_rows=10)
        self.assertEqual((caught.exception.kind, caught.exception.limit), ("cells", 500_000))
