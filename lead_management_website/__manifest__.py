{
    "name": "Lead Management - Website Forms",
    "summary": "The contact forms of Odoo's Website go through the lead capture pipeline: matching, log, source",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "lead_management contributors",
    "website": "https://github.com/lead-management/lead_management",
    "license": "LGPL-3",
    "depends": ["lead_management", "website_crm"],
    "auto_install": True,
}
