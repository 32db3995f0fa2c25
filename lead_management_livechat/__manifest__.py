{
    "name": "Lead Management - Live Chat",
    "summary": "Leads created from Live Chat conversations go through the lead capture pipeline: matching, log, source",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "lead_management contributors",
    "website": "https://github.com/lead-management/lead_management",
    "license": "LGPL-3",
    "depends": ["lead_management", "crm_livechat"],
    "auto_install": True,
}
