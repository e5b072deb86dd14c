"""The baseline: Flask "hello world", served the same way as our app."""
import gc

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"


gc.freeze()  # as wsgi.py does after start-up
