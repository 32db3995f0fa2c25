#!/usr/bin/env bash
# Regenerate each addon's .pot from a database where the addons are installed
# and up to date, then merge it into the addon's fa.po and ka.po (new terms
# empty, removed ones dropped): `scripts/update_translations.sh DB`.
set -euo pipefail
db=${1:?usage: $0 DATABASE}
cd "$(dirname "$0")/.."
odoo_root=$(python3 -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))')
addons_path="$PWD,$odoo_root/addons,$odoo_root/odoo/addons"
for addon in web_jalali/ lead_management*/; do
    addon=${addon%/}
    [ -f "$addon/__manifest__.py" ] || continue
    pot=$addon/i18n/$addon.pot
    mkdir -p "$addon/i18n"
    python3 "$odoo_root/odoo-bin" --addons-path="$addons_path" -d "$db" --db-filter="^$db\$" \
        --i18n-export="$pot" --modules="$addon" --stop-after-init --log-level=warn
    for po in "$addon"/i18n/fa.po "$addon"/i18n/ka.po; do
        if [ ! -f "$po" ]; then
            lang=$(basename "$po" .po)
            msginit --no-translator --no-wrap --locale="$lang" --input="$pot" --output-file="$po" 2>/dev/null
        fi
        msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-wrap "$po" "$pot"
        msgattrib --no-obsolete --no-wrap --output-file="$po" "$po"
    done
    echo "== $addon: $(grep -c '^msgid ' "$pot") terms"
done
