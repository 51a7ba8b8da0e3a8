from django.http import HttpResponseBadRequest, JsonResponse

MESSAGE = "Bad request: the address contains a NUL character."


class RejectNulBytesMiddleware:
    """A NUL byte has no business in a URL, and PostgreSQL refuses it in any text it stores
    or compares; answer 400 here rather than fail deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):  # the API speaks JSON, errors included
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
