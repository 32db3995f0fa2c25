{
    "name": "Lead Management - Nurturing",
    "summary": "Cadences of personalized e-mails and calls that keep cold and warm leads warm, on Email Marketing",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "lead_management contributors",
    "website": "https://github.com/lead-management/lead_management",
    "license": "LGPL-3",
    "depends": ["lead_management", "mass_mailing_crm"],
    "auto_install": True,
    "data": [
        "security/ir.model.access.csv",
        "security/lead_management_nurture_security.xml",
        "data/ir_cron_data.xml",
        "data/apple_egress_ranges_data.xml",
        "wizard/lead_nurture_bot_ranges_upload_views.xml",
        "views/lead_nurture_cadence_views.xml",
        "views/lead_nurture_enrollment_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "report/lead_nurture_report_views.xml",
        "wizard/lead_nurture_enroll_views.xml",
        "views/lead_management_nurture_menus.xml",
    ],
    "demo": [
        "demo/lead_nurture_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "lead_management_nurture/static/tests/tours/*.js",
        ],
    },
}
