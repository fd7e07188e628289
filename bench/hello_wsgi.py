"""A bare WSGI application: what gunicorn serves when no framework runs (the ceiling)."""

BODY = b"Hello"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
