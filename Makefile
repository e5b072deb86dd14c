# Two commands do all the set-up: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := FLASK_APP=wsgi $(VENV)/bin/flask

.PHONY: run test setup system-packages system-packages-test check bench clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

system-packages:
	@scripts/system-packages.sh run

system-packages-test:
	@scripts/system-packages.sh test

setup: system-packages $(VENV)/.installed

## make run: migrate, seed the demo practice, print its logins, serve on 127.0.0.1:5000 with the scheduler
run: setup
	$(FLASK) db upgrade
	$(FLASK) worksheets sync
	$(FLASK) demo seed
	@echo "Serving on http://127.0.0.1:5000  (the scheduler runs beside it; Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(FLASK) scheduler run & \
	  $(FLASK) run --host 127.0.0.1 --port 5000

## make test: set up everything, then the whole suite on SQLite and on a throwaway PostgreSQL
test: system-packages-test $(VENV)/.installed
	@scripts/test.sh

check: $(VENV)/.installed
	$(FLASK) worksheets check

bench: setup
	$(PY) bench/pdf_bench.py

clean:
	rm -rf $(VENV) instance .pytest_cache
