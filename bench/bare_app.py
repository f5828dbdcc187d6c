"""The smallest Flask page, served the same way as CoPlan, as the yardstick for throughput."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "<!doctype html><title>Bare</title><p>Hello"
