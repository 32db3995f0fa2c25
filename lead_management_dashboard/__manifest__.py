{
    "name": "Lead Management Dashboards",
    "summary": "CRM dashboards of Odoo's spreadsheet dashboards: leads, sources, salespeople and marketing ROI",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "lead_management contributors",
    "website": "https://github.com/lead-management/lead_management",
    "license": "LGPL-3",
    "depends": ["lead_management", "spreadsheet_dashboard"],
    "data": [
        "data/spreadsheet_dashboard_data.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "lead_management_dashboard/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
}
