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
}
