"""WSGI entry point: `gunicorn wsgi:app`. FLASK_CONFIG=production in deployment."""
import gc

from therapist_app import create_app

app = create_app()

# The app's ~200,000 long-lived objects (routes, mappers, compiled worksheets) live as long as the
# process. Left to the collector, every full collection walks them all: a 90-100 ms stall (measured,
# docs/benchmarks.md) for whichever request it lands in, and for those queued behind it. Frozen,
# they are never walked again; objects made by requests are collected as before.
gc.freeze()
