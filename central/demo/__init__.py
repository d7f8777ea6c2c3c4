"""The demo and the sample data: `python -m central.demo` (scripts/demo.sh), `motcua-central seed-demo`,
and the generators the benchmarks and the tests use. Not needed by a running office's server."""
