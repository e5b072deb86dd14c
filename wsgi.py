"""WSGI entry point: `gunicorn wsgi:app`. FLASK_CONFIG=production in deployment."""
from therapist_app import create_app

app = create_app()
