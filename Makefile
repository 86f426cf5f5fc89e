# The platform's front door. Everything runs on this machine; state lives in .state/.
SHELL := /bin/bash
LOCAL := deploy/local
PY := .state/venv/bin/python
ROWS ?= 100000
MATCHER_INSTANCES ?= 1
MATCHER_WORKERS ?= 2
export MATCHER_INSTANCES MATCHER_WORKERS

.PHONY: run stop status install test test-unit test-integration test-e2e demo bench faults generate schemas logs linkage-quality

run: ## install and start everything, load demo data, print where to look
	@bash $(LOCAL)/platform.sh up
	@$(PY) -m leap_tools.demo
	@bash $(LOCAL)/urls.sh

stop: ## stop the services, Kafka and PostgreSQL
	@bash $(LOCAL)/platform.sh down

status:
	@bash $(LOCAL)/platform.sh status

install:
	@bash $(LOCAL)/install.sh

# Tests start what they need (PostgreSQL and Kafka) and never skip for lack of them. LEAP_TEST_SERVERS picks where
# (leap_contracts.testing_servers): containers of the project's images (default when the engine answers), or local.
test: install
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory check-asyncapi
	@servers=$$($(PY) -m leap_contracts.testing_servers) && echo "test servers: $$servers" && \
	  if [[ $$servers == local ]]; then bash $(LOCAL)/postgres.sh start && bash $(LOCAL)/kafka.sh start; \
	  else bash deploy/images/build.sh postgres kafka; fi   # built before pytest: no test's timeout pays for it
	LEAP_REQUIRE_SERVICES=1 $(PY) -m pytest contracts/tests tools/tests \
	  services/pseudonymiser/tests services/matcher/tests services/uploader/tests services/reporter/tests \
	  tests/e2e tests/deploy -q

test-unit: install
	$(PY) -m pytest -q contracts/tests tools/tests services/*/tests/unit

demo: ## load the demo provider and files into the running platform
	@$(PY) -m leap_tools.demo

bench: install ## the whole platform on ROWS generated rows, first POST to the exact figure, with Splink beside it
	@bash $(LOCAL)/postgres.sh start
	@bash $(LOCAL)/kafka.sh start
	@$(PY) -c 'import splink' 2>/dev/null || $(PY) -m pip install -q -e './tools[bench]'
	@LEAP_TEST_SERVERS=local $(PY) -m leap_tools.benchmark --rows $(ROWS)

linkage-quality: ## exact vs tolerant linkage vs Splink against the true persons: make linkage-quality ROWS=100000 [SEED=N] [ERRORS=realistic]
	@$(PY) -c 'import splink' 2>/dev/null || $(PY) -m pip install -q -e './tools[bench]'
	@$(PY) -m leap_tools.linkage_quality --rows $(ROWS) $(if $(SEED),--seed $(SEED)) $(if $(ERRORS),--errors $(ERRORS))

faults: install ## the fault-injection run: make faults SEED=N ROWS=R (restarts the local Kafka and PostgreSQL, leaves them running)
	@bash $(LOCAL)/postgres.sh start
	@bash $(LOCAL)/kafka.sh start
	@LEAP_TEST_SERVERS=local $(PY) -m leap_tools.faults --rows $(ROWS) $(if $(SEED),--seed $(SEED)) $(if $(FAULTS),--faults $(FAULTS))

generate: ## make synthetic provider files: make generate ROWS=1000000 OUT=/tmp/leap-data
	@$(PY) -m leap_tools.generator --rows $(ROWS) --out $(or $(OUT),demo-data)

schemas: ## regenerate the committed JSON Schemas and AsyncAPI document
	@$(PY) -m leap_contracts.schemagen

.PHONY: lint
lint: ## ruff on everything, mypy strict on contracts and each service's domain (configured in pyproject.toml)
	@.state/venv/bin/ruff check --quiet .
	@.state/venv/bin/mypy contracts/leap_contracts services/*/leap_*/domain

.PHONY: check-asyncapi
check-asyncapi: ## validate contracts/schemas/asyncapi.yaml with the AsyncAPI parser, decode its examples with generated models
	@command -v npm >/dev/null || { echo "check-asyncapi: needs node and npm (make install)"; exit 1; }
	@cd contracts/asyncapi-check && { [[ node_modules/.package-lock.json -nt package-lock.json ]] || npm ci --loglevel=error; } \
	  && npm run --silent check

# --- production deployment, built and run here (deploy/images, deploy/compose, deploy/k8s; docs/operations.md)
.PHONY: images compose-up compose-down
images: ## build every image (engine and Debian bases made here, no registry; cached: a rebuild with nothing changed takes seconds)
	@bash deploy/images/build.sh

compose-up: images ## the production-like stack on this host (deploy/compose), demo data loaded, URLs printed
	@bash deploy/compose/stack.sh up

compose-down: ## stop the Compose stack and remove its volumes
	@bash deploy/compose/stack.sh down
