{
    "name": "Solar Hijri (Jalali) Calendar",
    "summary": "Jalali dates for Persian users: display, picker, search, reports, e-mails; Gregorian in the database",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tools",
    "author": "lead_management contributors",
    "website": "https://github.com/lead-management/lead_management",
    "license": "LGPL-3",
    "depends": ["web", "mail"],
    "external_dependencies": {"python": ["jdatetime"]},
    "data": ["views/res_users_views.xml"],
    "assets": {
        # right after the session, before any module importing the date formatters
        "web.assets_backend": [
            ("after", "web/static/src/session.js", "web_jalali/static/src/core/jalali.js"),
            ("after", "web_jalali/static/src/core/jalali.js", "web_jalali/static/src/core/dates_patch.js"),
            # before the search model, which keeps the date filter functions it imports
            ("before", "web/static/src/search/search_model.js",
             "web_jalali/static/src/search/search_dates_patch.js"),
            "web_jalali/static/src/datetime/**/*",
            "web_jalali/static/src/mail/**/*",
            "web_jalali/static/src/views/**/*",
        ],
        # built only where spreadsheet is installed
        "spreadsheet.o_spreadsheet": [
            "web_jalali/static/src/spreadsheet/**/*",
        ],
        "web.assets_tests": [
            "web_jalali/static/tests/tours/**/*",
        ],
    },
}
