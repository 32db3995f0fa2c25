"""Odoo's notification client action, without the ORM."""


def notification_action(message, type="success", title=None, sticky=False, next_action=None):
    """The client action showing ``message`` in a notification of ``type``
    (success, warning, danger, info), then running ``next_action``."""
    params = {"type": type, "message": message, "sticky": sticky}
    if title:
        params["title"] = title
    if next_action:
        params["next"] = next_action
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}


def soft_reload_action():
    """The client action reloading the current view (its records, not the page)."""
    return {"type": "ir.actions.client", "tag": "soft_reload"}
