"""Structured logs for production: one JSON object per line."""

import json
import logging
from datetime import UTC, datetime

from django.http import HttpRequest


class JsonFormatter(logging.Formatter):
    """time, level, logger and message; the request's method and path and the response
    status where Django logged them (django.request does); the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        # django.server passes its socket as `request`: only an HttpRequest has a method.
        if isinstance(request, HttpRequest) and request.method:
            entry["method"] = request.method
            entry["path"] = request.path
        if (status := getattr(record, "status_code", None)) is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
