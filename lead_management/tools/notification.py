"""Odoo's notification and dialog actions, without the ORM."""


def notification_action(message, type="success", title=None, sticky=False, next_action=None):
    """The client action showing ``message`` in a notification of ``type``
    (success, warning, danger, info), then running ``next_action``."""
    params = {"type": type, "message": message, "sticky": sticky}
    if title:
        params["title"] = title
    if next_action:
        params["next"] = next_action
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}


def form_dialog_action(model, res_id, name):
    """The window action showing record ``res_id`` of ``model`` in its form, in a dialog titled
    ``name``: a wizard reopened on its next step."""
    return {
        "type": "ir.actions.act_window",
        "res_model": model,
        "res_id": res_id,
        "view_mode": "form",
        "views": [(False, "form")],
        "target": "new",
        "name": name,
    }


def soft_reload_action():
    """The client action reloading the current view (its records, not the page)."""
    return {"type": "ir.actions.client", "tag": "soft_reload"}
