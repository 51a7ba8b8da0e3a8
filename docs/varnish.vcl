# Varnish 7 in front of the fact-check tracker (Debian: varnish, varnish-modules).
# Public pages are kept a day and dropped the moment they change: each response names what
# it shows in its `xkey` header, and `manage.py purge_edge` sends the keys of every commit
# here as `PURGE` requests (see docs/deploy.md). tests/test_edge.py runs this very file.
vcl 4.1;

import xkey;

# The application (gunicorn); the test rewrites this port.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the machines running purge_edge.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    # The admin (ADMIN_URL), the API (per-client throttling) and probes go to the app.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|api|healthz|readyz)(/|$)") {
        return (pass);
    }
    # The public site reads no cookie; without this, Varnish would pass any request with one.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what the app marks as a public page: a 200 naming its keys, `Cache-Control:
    # public`, setting no cookie. Whatever address reached the app (an encoded `/%61pi/`
    # is still the API, which is private), the app's own marking decides.
    if (beresp.status == 200 && beresp.http.xkey && !beresp.http.Set-Cookie
            && beresp.http.Cache-Control ~ "(^|[ ,])public([ ,]|$)") {
        # Until purge_edge drops it; grace serves the last copy while the app is down.
        set beresp.ttl = 1d;
        set beresp.grace = 6h;
    } else {
        # Redirects, errors, the API, anything private: never kept.
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are for this cache only; browsers get the app's own Cache-Control.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
