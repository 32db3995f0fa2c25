import { Chatter } from "@mail/chatter/web_portal/chatter";
import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";

/**
 * `<chatter reload_on_activity="True"/>`: the form reloads its record when an
 * activity is scheduled, marked done, edited or cancelled from the chatter,
 * as it does after a message with `reload_on_post` (and as Odoo's kanban and
 * list activity widgets do), so that what the server derives from activities
 * (a lead's response time, score and engagement) shows at once.
 */
const formCompilers = registry.category("form_compilers");
const chatterCompiler = formCompilers.get("chatter_compiler");
formCompilers.add(
    "chatter_compiler",
    {
        ...chatterCompiler,
        fn(node, params) {
            const res = chatterCompiler.fn.call(this, node, params);
            res.querySelector("t[t-component='__comp__.mailComponents.Chatter']").setAttribute(
                "hasParentReloadOnActivityChanged",
                String(Boolean(node.getAttribute("reload_on_activity")))
            );
            return res;
        },
    },
    { force: true }
);

Chatter.props.push("hasParentReloadOnActivityChanged?");
Object.assign(Chatter.defaultProps, { hasParentReloadOnActivityChanged: false });

patch(Chatter.prototype, {
    onActivityChanged(thread) {
        super.onActivityChanged(thread);
        if (this.props.hasParentReloadOnActivityChanged) {
            this.reloadParentView();
        }
    },

    async scheduleActivity() {
        const thread = this.state.thread;
        if (!this.props.hasParentReloadOnActivityChanged || !thread.id) {
            return super.scheduleActivity();
        }
        this.closeSearch();
        // the dialog closes when the activity is scheduled, or logged as done
        await this.store.scheduleActivity(thread.model, [thread.id]);
        this.onActivityChanged(thread);
    },
});
