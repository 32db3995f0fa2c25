#!/usr/bin/env bash
# Prepare a Debian/Ubuntu machine to run and test lead_management:
# PostgreSQL running with a role for the current user, Python requirements,
# Odoo 18.0 importable by python3 (from $ODOO_SRC, else upstream's 18.0),
# Chromium for the browser tours, LibreOffice Calc (files for the import tests),
# and rtlcss (npm, with Node.js from Debian when missing) for right-to-left
# languages. Safe to re-run: it only does what is missing.
set -euo pipefail

PYTHON=${PYTHON:-python3}
ODOO_BRANCH=${ODOO_BRANCH:-18.0}
ODOO_REPO=${ODOO_REPO:-https://github.com/odoo/odoo.git}
CACHE_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/lead_management
ME=$(id -un)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi; }
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq "$@"
}
log() { printf '== %s\n' "$*"; }

# --- PostgreSQL -------------------------------------------------------------
if ! command -v pg_lsclusters >/dev/null 2>&1; then
    log "installing PostgreSQL"
    apt_install postgresql
fi
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
    if [ -z "${version:-}" ]; then
        log "creating a PostgreSQL cluster"
        as_root pg_createcluster --start "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main
    else
        log "starting PostgreSQL $version/$cluster"
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
    fi
fi
for _ in $(seq 1 30); do
    as_postgres "psql -Atqc 'select 1'" >/dev/null 2>&1 && break
    sleep 1
done
if [ "$ME" = postgres ]; then
    echo "Odoo refuses to run as the postgres user: run make as another user." >&2
    exit 1
fi
if ! as_postgres "psql -Atqc \"select 1 from pg_roles where rolname = '$ME'\"" | grep -q 1; then
    log "creating the PostgreSQL role $ME"
    as_postgres "createuser --createdb --superuser '$ME'"
fi

# --- Odoo -------------------------------------------------------------------
if ! "$PYTHON" -c 'import odoo' >/dev/null 2>&1; then
    src=${ODOO_SRC:-}
    if [ -z "$src" ]; then
        src=$CACHE_DIR/odoo-$ODOO_BRANCH
        if [ ! -d "$src/odoo" ]; then
            log "downloading Odoo $ODOO_BRANCH from $ODOO_REPO"
            command -v git >/dev/null 2>&1 || apt_install git
            git clone --depth 1 --branch "$ODOO_BRANCH" "$ODOO_REPO" "$src"
        fi
    fi
    log "installing Odoo from $src"
    command -v gcc >/dev/null 2>&1 || apt_install build-essential
    apt_install libpq-dev libxml2-dev libxslt1-dev libldap2-dev libsasl2-dev libjpeg-dev zlib1g-dev
    constraints=$(mktemp)
    echo 'setuptools<70' > "$constraints"
    grep -v '^python-ldap' "$src/requirements.txt" > "$constraints.req"
    PIP_CONSTRAINT=$constraints "$PYTHON" -m pip install -q -r "$constraints.req"
    "$PYTHON" -m pip install -q --no-deps -e "$src"
    rm -f "$constraints" "$constraints.req"
fi

# --- Python requirements of the addon ---------------------------------------
# (pkg_resources.require('gevent'): what Odoo's long-polling process checks at start)
if ! "$PYTHON" -c 'import phonenumbers, jdatetime, pytest_odoo, websocket, pylint_odoo' >/dev/null 2>&1 \
    || ! "$PYTHON" -W ignore -c 'import pkg_resources; pkg_resources.require("gevent")' >/dev/null 2>&1 \
    || ! command -v ruff >/dev/null 2>&1; then
    log "installing requirements.txt"
    "$PYTHON" -m pip install -q -r "$(dirname "$0")/../requirements.txt"
fi

# --- Chromium for the browser tours ------------------------------------------
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
    && ! command -v google-chrome >/dev/null 2>&1; then
    log "installing Chromium"
    apt_install chromium fonts-noto-core
fi

# --- LibreOffice Calc: the import tests read files it writes ----------------
if ! command -v soffice >/dev/null 2>&1; then
    log "installing LibreOffice Calc"
    apt_install libreoffice-calc-nogui
fi

# --- rtlcss for right-to-left languages (Persian) ----------------------------
# Odoo runs `rtlcss` from PATH to convert the style sheets for right-to-left
# languages; without it they are served, and cached, left to right.
if ! command -v rtlcss >/dev/null 2>&1; then
    node_packages=()
    command -v node >/dev/null 2>&1 || node_packages+=(nodejs)
    command -v npm >/dev/null 2>&1 || node_packages+=(npm)
    if [ ${#node_packages[@]} -gt 0 ]; then
        log "installing ${node_packages[*]}"
        apt_install "${node_packages[@]}"
    fi
    log "installing rtlcss"
    npm_prefix=$(npm prefix -g)
    if [ -w "$npm_prefix" ]; then
        npm install -g --no-audit --no-fund --loglevel=error rtlcss
    else
        as_root "$(command -v npm)" install -g --no-audit --no-fund --loglevel=error rtlcss
    fi
    if ! command -v rtlcss >/dev/null 2>&1; then
        echo "rtlcss is installed in $npm_prefix/bin, which is not on PATH: add it to PATH for Odoo to find it." >&2
        exit 1
    fi
    rtlcss --version >/dev/null
    # right-to-left bundles built until now were left unconverted: let Odoo build them again
    demo_db=${DEMO_DB:-lead_management_demo}
    if psql -Atqc "select to_regclass('ir_attachment')" "$demo_db" 2>/dev/null | grep -q ir_attachment; then
        log "dropping the right-to-left style sheets cached in $demo_db"
        psql -Atqc "delete from ir_attachment where res_model = 'ir.ui.view' and url like '/web/assets/%/%.rtl.%'" \
            "$demo_db" >/dev/null
    fi
fi
log "ready: $("$PYTHON" -c 'import odoo.release as r; print("Odoo", r.version)')"
