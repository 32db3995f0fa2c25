# lead_management: `make run` serves a demo database, `make test` runs the suite.
PYTHON      ?= python3
HTTP_PORT   ?= 8069
# make run WORKERS=n: Odoo's prefork mode (n HTTP workers, one cron worker, websockets on 8072)
WORKERS     ?=
DEMO_DB     ?= lead_management_demo
# the languages `make run` loads after English (a new database's first language is its default)
DEMO_LANGS  ?= fa_IR,ka_GE
TEST_DB     ?= lead_management_test
ODOO_TEST_DB   ?= lead_management_odoo_test
RUNNER_TEST_DB ?= lead_management_runner_test
# every addon of the repository
ADDONS      := web_jalali lead_management lead_management_account lead_management_website lead_management_livechat lead_management_nurture lead_management_dashboard lead_management_server
comma       := ,
space       := $(subst ,, )
MODULES     := $(subst $(space),$(comma),$(ADDONS))
ROOT        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ODOO_ROOT    = $(shell $(PYTHON) -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))')
ADDONS_PATH  = $(ROOT),$(ODOO_ROOT)/addons,$(ODOO_ROOT)/odoo/addons
ODOO         = $(PYTHON) $(ODOO_ROOT)/odoo-bin --addons-path=$(ADDONS_PATH) --db-filter='^$(1)$$' -d $(1)
LOG_DIR     := $(ROOT)/.logs
# Odoo's own tests run with our addons installed (make test-odoo), and those deselected, with the reason
ODOO_SUITE      ?= crm website_crm crm_livechat mass_mailing
ODOO_DESELECTED := $(ROOT)/tests/odoo_deselected.txt

.PHONY: setup run test test-odoo test-runner install-test lint bench clean

setup:
	@bash $(ROOT)/scripts/setup.sh

## run: set up, install or update the demo database and serve it on $(HTTP_PORT)
run: setup
	@if psql -Atqc "select 1 from ir_module_module where name = 'lead_management' and state = 'installed'" $(DEMO_DB) 2>/dev/null | grep -q 1; then \
		echo "== updating $(MODULES) in $(DEMO_DB)"; \
		$(call ODOO,$(DEMO_DB)) -i $(MODULES) -u $(MODULES) --load-language=en_US,$(DEMO_LANGS) --stop-after-init --log-level=warn; \
	else \
		echo "== creating $(DEMO_DB) with demo data"; \
		dropdb --if-exists $(DEMO_DB); \
		$(call ODOO,$(DEMO_DB)) -i $(MODULES) --load-language=en_US,$(DEMO_LANGS) --stop-after-init --log-level=warn; \
		echo "== login: admin / admin"; \
	fi
	$(call ODOO,$(DEMO_DB)) --http-port=$(HTTP_PORT) --load=base,web,lead_management_server \
		$(if $(WORKERS),--workers=$(WORKERS) --max-cron-threads=1)

## test: set up, install every addon with demo data in a fresh database, run their tests with pytest-odoo
test: setup
	@$(MAKE) --no-print-directory install-test DB=$(TEST_DB)
	@cd $(ROOT) && $(PYTHON) -m pytest -p no:cacheprovider \
		--odoo-database=$(TEST_DB) --odoo-addons-path=$(ADDONS_PATH) --odoo-http \
		--odoo-log-level=warn $(addsuffix /tests,$(ADDONS)) $(PYTEST_ARGS)

## test-odoo: Odoo's own $(ODOO_SUITE) tests in a database where every addon is installed with demo data
# (run from an empty directory of ours, so that neither our files nor stray modules in a shared directory are imported)
test-odoo: setup
	@$(MAKE) --no-print-directory install-test DB=$(ODOO_TEST_DB)
	@mkdir -p $(LOG_DIR)/odoo-suite && cd $(LOG_DIR)/odoo-suite && $(PYTHON) -m pytest -p no:cacheprovider --rootdir=$(ODOO_ROOT)/addons \
		--odoo-database=$(ODOO_TEST_DB) --odoo-addons-path=$(ADDONS_PATH) --odoo-http \
		--odoo-log-level=warn \
		$$(grep -v '^#' $(ODOO_DESELECTED) | cut -d' ' -f1 | sed 's/^/--deselect=/') \
		$(foreach suite,$(ODOO_SUITE),$(ODOO_ROOT)/addons/$(suite)/tests) $(PYTEST_ARGS)

## test-runner: our tests under Odoo's own runner (odoo-bin --test-tags), as Odoo's runbot and OCA's CI run them
test-runner: setup
	@mkdir -p $(LOG_DIR)
	@dropdb --if-exists $(RUNNER_TEST_DB)
	@echo "== installing and testing $(MODULES) with odoo-bin --test-tags in $(RUNNER_TEST_DB)"
	@$(call ODOO,$(RUNNER_TEST_DB)) -i $(MODULES) --stop-after-init --log-level=test --http-port=$(HTTP_PORT) \
		--test-enable --test-tags=$(subst $(space),$(comma),$(addprefix /,$(ADDONS))) \
		--logfile=$(LOG_DIR)/runner.log; rc=$$?; \
	grep -E -A 30 ' (ERROR|CRITICAL) ' $(LOG_DIR)/runner.log | head -n 120; \
	grep -E 'tests? (failed|passed)|Ran [0-9]+ tests|failed, .* error' $(LOG_DIR)/runner.log | tail -n 5; \
	if [ $$rc -ne 0 ] || grep -qE ' (ERROR|CRITICAL) ' $(LOG_DIR)/runner.log; then \
		echo "odoo-bin --test-tags failed (see $(LOG_DIR)/runner.log)"; exit 1; fi

# install-test DB=...: install every addon with demo data in a fresh database, failing on our warnings
install-test:
	@mkdir -p $(LOG_DIR)
	@dropdb --if-exists $(DB)
	@rm -f $(LOG_DIR)/install-$(DB).log
	@echo "== installing $(MODULES) with demo data in $(DB)"
	@start=$$(date +%s); \
	$(call ODOO,$(DB)) -i $(MODULES) --stop-after-init --log-level=info \
		--logfile=$(LOG_DIR)/install-$(DB).log || { tail -n 50 $(LOG_DIR)/install-$(DB).log; exit 1; }; \
	echo "== installed in $$(( $$(date +%s) - start )) s"
	@if grep -E ' (WARNING|ERROR|CRITICAL) .*lead_management' $(LOG_DIR)/install-$(DB).log; then \
		echo "the install logged warnings or errors from our addons"; exit 1; fi

## lint: ruff and pylint-odoo on the addons
lint: setup
	@cd $(ROOT) && ruff check $(ADDONS) bench
	@cd $(ROOT) && $(PYTHON) -m pylint --rcfile=.pylintrc $(ADDONS)

## bench: benchmarks against Odoo alone on the same data (README, "Benchmarks")
bench: setup
	@cd $(ROOT) && $(PYTHON) bench/bench_odoo_flows.py --addons-path=$(ADDONS_PATH) --odoo-test-db=$(ODOO_TEST_DB)
	@cd $(ROOT) && $(PYTHON) bench/bench_lead_capture.py --addons-path=$(ADDONS_PATH) $(BENCH_CAPTURE_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_scoring.py --addons-path=$(ADDONS_PATH) $(BENCH_SCORING_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_assignment.py --addons-path=$(ADDONS_PATH) $(BENCH_ASSIGN_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_capture_api.py --addons-path=$(ADDONS_PATH) $(BENCH_API_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/fuzz_capture.py --addons-path=$(ADDONS_PATH) $(BENCH_FUZZ_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_import.py --addons-path=$(ADDONS_PATH) $(BENCH_IMPORT_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_import_limits.py --addons-path=$(ADDONS_PATH) $(BENCH_LIMITS_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_ads_calls.py --addons-path=$(ADDONS_PATH) $(BENCH_ADS_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_nurture.py --addons-path=$(ADDONS_PATH) $(BENCH_NURTURE_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_form_timing.py --addons-path=$(ADDONS_PATH) $(BENCH_TIMING_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_jalali.py --addons-path=$(ADDONS_PATH) $(BENCH_JALALI_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_jalali_list.py --addons-path=$(ADDONS_PATH)

clean:
	rm -rf $(LOG_DIR)
