# lead_management: `make run` serves a demo database, `make test` runs the suite.
PYTHON      ?= python3
HTTP_PORT   ?= 8069
DEMO_DB     ?= lead_management_demo
TEST_DB     ?= lead_management_test
MODULE      := lead_management
ROOT        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ODOO_ROOT    = $(shell $(PYTHON) -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))')
ADDONS_PATH  = $(ROOT),$(ODOO_ROOT)/addons,$(ODOO_ROOT)/odoo/addons
ODOO         = $(PYTHON) $(ODOO_ROOT)/odoo-bin --addons-path=$(ADDONS_PATH) --db-filter='^$(1)$$' -d $(1)
LOG_DIR     := $(ROOT)/.logs

.PHONY: setup run test install-test lint bench clean

setup:
	@bash $(ROOT)/scripts/setup.sh

## run: set up, install or update the demo database and serve it on $(HTTP_PORT)
run: setup
	@if psql -Atqc "select 1 from ir_module_module where name = '$(MODULE)' and state = 'installed'" $(DEMO_DB) 2>/dev/null | grep -q 1; then \
		echo "== updating $(MODULE) in $(DEMO_DB)"; \
		$(call ODOO,$(DEMO_DB)) -u $(MODULE) --stop-after-init --log-level=warn; \
	else \
		echo "== creating $(DEMO_DB) with demo data"; \
		dropdb --if-exists $(DEMO_DB); \
		$(call ODOO,$(DEMO_DB)) -i $(MODULE) --stop-after-init --log-level=warn; \
		echo "== login: admin / admin"; \
	fi
	$(call ODOO,$(DEMO_DB)) --http-port=$(HTTP_PORT)

## test: set up, install the addon with demo data in a fresh database, run pytest
test: setup install-test
	@cd $(ROOT) && $(PYTHON) -m pytest -p no:cacheprovider \
		--odoo-database=$(TEST_DB) --odoo-addons-path=$(ADDONS_PATH) --odoo-http \
		--odoo-log-level=warn $(MODULE)/tests $(PYTEST_ARGS)

install-test:
	@mkdir -p $(LOG_DIR)
	@dropdb --if-exists $(TEST_DB)
	@rm -f $(LOG_DIR)/install.log
	@echo "== installing $(MODULE) with demo data in $(TEST_DB)"
	@start=$$(date +%s); \
	$(call ODOO,$(TEST_DB)) -i $(MODULE) --stop-after-init --log-level=info \
		--logfile=$(LOG_DIR)/install.log || { tail -n 50 $(LOG_DIR)/install.log; exit 1; }; \
	echo "== installed in $$(( $$(date +%s) - start )) s"
	@if grep -E ' (WARNING|ERROR|CRITICAL) .*(lead_management|$(MODULE))' $(LOG_DIR)/install.log; then \
		echo "the install logged warnings or errors from $(MODULE)"; exit 1; fi

## lint: ruff and pylint-odoo on the addon
lint: setup
	@cd $(ROOT) && ruff check $(MODULE) bench
	@cd $(ROOT) && $(PYTHON) -m pylint --rcfile=.pylintrc $(MODULE)

## bench: benchmarks against native Odoo on the same data (README, "Benchmarks")
bench: setup
	@cd $(ROOT) && $(PYTHON) bench/bench_lead_capture.py --addons-path=$(ADDONS_PATH) $(BENCH_CAPTURE_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_scoring.py --addons-path=$(ADDONS_PATH) $(BENCH_SCORING_ARGS)
	@cd $(ROOT) && $(PYTHON) bench/bench_assignment.py --addons-path=$(ADDONS_PATH) $(BENCH_ASSIGN_ARGS)

clean:
	rm -rf $(LOG_DIR)
