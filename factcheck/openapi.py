"""drf-spectacular hook: document the error answers every read-only endpoint can give."""

ERROR = {
    "type": "object",
    "additionalProperties": True,
    "description": "A message, or a message per invalid parameter.",
}


def add_error_responses(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            content = {"application/json": {"schema": ERROR}}
            responses.setdefault(
                "404", {"description": "Not found, or no such page.", "content": content}
            )
            responses.setdefault(
                "429", {"description": "Too many requests; retry later.", "content": content}
            )
            if "{" not in path:
                responses.setdefault(
                    "400", {"description": "A filter value is invalid.", "content": content}
                )
    return result
