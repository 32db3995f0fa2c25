{
    "name": "Lead Management - Server-wide",
    "summary": "Load it server-wide: the capture routes answer 503 and Retry-After while the database is away",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tools",
    "author": "lead_management contributors",
    "website": "https://github.com/lead-management/lead_management",
    "license": "LGPL-3",
    "depends": ["web"],
}
