import { registry } from "@web/core/registry";
import { setInvalidDateNotifier } from "../core/dates_patch";

/** Tells a Solar Hijri user why the date typed was refused. */
export const jalaliInvalidDateService = {
    dependencies: ["notification"],
    start(env, { notification }) {
        setInvalidDateNotifier((message) => notification.add(message, { type: "danger" }));
    },
};

registry.category("services").add("web_jalali_invalid_date", jalaliInvalidDateService);
