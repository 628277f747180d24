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

# The self-contained bundle in dist/kiosk, with a slim OpenCV built once (packaging/README.md).
package:
	./scripts/package.sh
