"""Log records as JSON lines. Loaded by the logging configuration, before Django's apps: it
imports nothing of Django's."""

import datetime
import json
import logging

SECRET_WORDS = ("password", "passwd", "secret", "token", "otp", "key", "cookie", "session")
STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message and the extra fields,
    minus anything whose name looks like a secret."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name in STANDARD or name.startswith("_"):
                continue
            if any(word in name.lower() for word in SECRET_WORDS):
                continue
            data[name] = (
                value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
            )
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
