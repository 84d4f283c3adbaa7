# `make run` serves the site; `make test` runs the linters and every test; `make bench` runs every
# benchmark (BENCH="--quick --only memory,startup" passes options). All set themselves up.
PYTHON ?= $(shell command -v python3.11 || command -v python3 || command -v python)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
BENCH ?=

.PHONY: run test test-postgres lint format clean bench

run: $(VENV)/.installed
	$(BIN)/flask --app wsgi init-db --demo
	@echo "在浏览器中打开 http://$(HOST):$(PORT)"
	$(BIN)/waitress-serve --listen=$(HOST):$(PORT) wsgi:app

# Every benchmark in bench/, one table of their figures, and their JSON in bench/results/.
bench: $(VENV)/.installed
	$(BIN)/python bench/run_all.py $(BENCH)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# The whole suite again on PostgreSQL (.ci/run does this). Every test wipes the database named.
test-postgres: $(VENV)/.installed-test
	@test -n "$$JIXIAO_TEST_DATABASE_URL" || { \
	  echo "请设置 JIXIAO_TEST_DATABASE_URL=postgresql://用户:密码@127.0.0.1/数据库名（一个可以清空的测试库）"; \
	  exit 1; }
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/python:
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	  { echo "需要 Python 3.11 或更新版本（找到的是：$(PYTHON)）。请安装后重试，或用 make PYTHON=/路径/python3.11 指定。"; exit 1; }
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-test.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
