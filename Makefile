# Shortcuts; the README's two commands are scripts/kiosk.sh and scripts/test.sh.
.PHONY: run test bench lint package
run:
	./scripts/kiosk.sh
test:
	./scripts/test.sh
bench:
	./scripts/kiosk.sh --version >/dev/null && .venv/bin/python -m tests.bench.bench_client
lint:
	.venv/bin/python -m ruff check kiosk tests && .venv/bin/python -m mypy

# The self-contained bundle in dist/kiosk (set-up first: it compiles the translations).
package:
	./scripts/kiosk.sh --version >/dev/null
	.venv/bin/pyinstaller packaging/kiosk.spec -y --distpath dist --workpath build/pyinstaller
	dist/kiosk/kiosk --self-test
