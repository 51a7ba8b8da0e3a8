"""Every door the admin has, tried against a published claim by an Editor and a chief editor.

The URLs come from the admin site itself (each registered ModelAdmin's `get_urls()` and the
site's own), so a new model, page or action is swept without touching this file; a URL
parameter the sweep has no values for fails the test instead of being skipped. For each URL
the sweep GETs it, then POSTs the form a superuser is shown there (every text field edited),
and on list pages every action on the objects the claim shows. Each request runs in a
savepoint rolled back afterwards, so each door is judged alone.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.urls.resolvers import RoutePattern

from claims.admin.guards import EDITORS_MAY_ADD
from claims.models import Claim, PublicKey
from claims.public.caching import local_pages
from claims.selectors import SHOWN_ON, shown_on
from claims.services import ACTIONS

MINISTER = "gerald-darmanin-facial-recognition"
MARK = " swept"
# Fields whose values have a format of their own: editing them only makes the form invalid.
KEEP = (
    "slug",
    "url",
    "date",
    "_on",
    "time",
    "version",
    "wikidata",
    "colour",
    "country",
    "language",
    "ordinal",
    "password",
    "token",
    "key",
    "email",
    "username",
    "-id",
    "_id",
)


@dataclass
class Form:
    fields: list[tuple[str, str]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    free_text: set[str] = field(default_factory=set)  # text inputs and text areas


class FormParser(HTMLParser):
    """The POST forms of an admin page: their fields as a browser would send them, and the
    options of a list page's action menu."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.form = Form()
            self.forms.append(self.form)
        if self.form is None:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "image", "file"} and a["name"] != "_save":
                return
            default = "on" if kind == "checkbox" else ""
            self.form.fields.append((a["name"], a.get("value") or default))
            if kind in {"text", "search"}:
                self.form.free_text.add(a["name"])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            self.form.free_text.add(a["name"])
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self.form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            self.form.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, options, selected = self._select
            if name == "action":
                self.form.actions = [o for o in options if o]
            else:
                self.form.fields += [(name, value) for value in selected]
            self._select = None
        elif tag == "form":
            self.form = None


def form_of(html: str) -> Form | None:
    """The page's main form: the one with the most fields (not the header's log-out form)."""
    parser = FormParser()
    parser.feed(html)
    forms = sorted(parser.forms, key=lambda f: len(f.fields) + len(f.actions), reverse=True)
    return forms[0] if forms and len(forms[0].fields) > 1 else None


def edited(form: Form) -> dict[str, list[str]]:
    """The form with every free-text value changed, as someone rewriting the page would."""
    data: dict[str, list[str]] = {}
    for name, value in form.fields:
        keep = any(k in name.lower() for k in KEEP) or "__prefix__" in name
        if name in form.free_text and value.strip() and not keep:
            value += MARK
        data.setdefault(name, []).append(value)
    return data


@dataclass
class Door:
    name: str
    url: str
    model: type | None = None
    obj: object = None


def objects_to_try(model, claim) -> list:
    """The rows of `model` the claim's page shows, or a few rows if it shows none."""
    rows = list(model._default_manager.all()[:200])
    shown = [row for row in rows if shown_on(row, Claim.objects.filter(pk=claim.pk))]
    return (shown or rows)[:3]


def values_for(param: str, model, obj) -> list[str]:
    if param in ("object_id", "id", "pk"):
        return [str(obj.pk)]
    if param == "version_id":
        return [str(h.history_id) for h in obj.history.all()[:3]]
    if param == "action":
        return [*ACTIONS, "nonsense"]
    if param == "app_label":
        return sorted({m._meta.app_label for m in admin.site._registry})
    if param == "content_type_id":
        return []
    if param == "source_id":  # a claim's evidence: what a capture found of its source
        return [str(e.source_id) for e in obj.evidence.all()[:3]]
    pytest.fail(f"the sweep has no values for URL parameter {param!r}: teach values_for()")


# Regex URLs with unnamed groups, by what their groups hold (django-simple-history's
# past-version page is `^([^/]+)/history/([^/]+)/$`).
POSITIONAL = {r"^([^/]+)/history/([^/]+)/$": ["object_id", "version_id"]}


def route_params(pattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    regex = pattern.pattern.regex
    if regex.groups > len(regex.groupindex):
        if regex.pattern not in POSITIONAL:
            pytest.fail(f"the sweep cannot fill {regex.pattern!r}: teach POSITIONAL")
        return POSITIONAL[regex.pattern]
    return list(regex.groupindex)


def admin_url(pattern, kwargs: dict) -> str:
    regex = pattern.pattern.regex
    if not isinstance(pattern.pattern, RoutePattern) and regex.groups > len(regex.groupindex):
        return reverse(f"admin:{pattern.name}", args=list(kwargs.values()))
    return reverse(f"admin:{pattern.name}", kwargs=kwargs)


def doors(claim) -> list[Door]:
    """Every admin URL, with its parameters filled from the objects the claim shows."""
    found = []
    for model, model_admin in admin.site._registry.items():
        objects = objects_to_try(model, claim)
        for pattern in model_admin.get_urls():
            if pattern.name is None:
                continue
            params = route_params(pattern)
            if not params:
                found.append(Door(pattern.name, reverse(f"admin:{pattern.name}"), model))
                continue
            for obj in objects:
                for kwargs in _combinations(params, model, obj):
                    found.append(Door(pattern.name, admin_url(pattern, kwargs), model, obj))
    for pattern in admin.site.get_urls():
        if getattr(pattern, "name", None) in (None, "logout", "view_on_site"):
            continue  # logging out ends the sweep; view_on_site only redirects (GET)
        params = route_params(pattern)
        for kwargs in _combinations(params, None, None):
            found.append(Door(pattern.name, admin_url(pattern, kwargs)))
    return found


def _combinations(params, model, obj) -> list[dict]:
    combos = [{}]
    for param in params:
        combos = [{**c, param: v} for c in combos for v in values_for(param, model, obj)]
    return combos


@pytest.fixture
def newsroom(db, migration_data):
    call_command("load_demo", verbosity=0)
    claim = Claim.objects.get(slug=MINISTER)
    assert claim.is_public
    people = {}
    for role in ("Editor", "Chief editor"):
        user = User.objects.create_user(
            role.lower().replace(" ", "-"), password="x" * 16, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        people[role] = user
    people["super"] = User.objects.create_superuser("root", "root@example.org", "y" * 16)
    return claim, people


def public_snapshot(claim) -> dict[str, bytes]:
    cache.clear()
    local_pages.clear()
    reader = Client()
    urls = [
        claim.get_absolute_url(),
        f"/api/claims/{claim.pk}/",
        "/claimreview.json",
        reverse("claims:page", kwargs={"slug": "methodology"}),
    ]
    return {url: reader.get(url, secure=True).content for url in urls}


def record_rows() -> dict:
    """Every row of every model a published claim's page can show."""
    return {
        (model.__name__, row["id"]): row
        for model in SHOWN_ON
        for row in model._default_manager.values()
    }


def version() -> list:
    """Every public key's version: it moves whenever anything readers can see changes."""
    return list(PublicKey.objects.order_by("key").values_list("key", "version"))


@dataclass
class Outcome:
    door: Door
    method: str
    status: int
    changed: bool
    rows_before: dict
    rows_after: dict
    rereview: bool


def sweep(claim, user, superuser) -> list[Outcome]:
    """Each door, tried as `user`, each try rolled back; what each did to the public record."""
    client, harvester = Client(), Client()
    client.force_login(user)
    harvester.force_login(superuser)
    before = public_snapshot(claim)
    outcomes = []
    for door in doors(claim):
        form = None
        page = harvester.get(door.url, secure=True)
        if page.status_code == 200 and "html" in page.get("Content-Type", ""):
            form = form_of(page.content.decode())
        tries = [("GET", None)]
        if form is not None:
            tries.append(("POST", edited(form)))
            fields = dict(form.fields)
            selected = (
                [str(door.obj.pk)]
                if door.obj is not None
                else [str(o.pk) for o in objects_to_try(door.model, claim)]
                if door.model
                else []
            )
            for action in form.actions:
                tries.append(
                    (
                        "POST",
                        {
                            "action": [action],
                            "_selected_action": selected,
                            "index": ["0"],
                            "post": ["yes"],
                            "csrfmiddlewaretoken": [fields.get("csrfmiddlewaretoken", "")],
                        },
                    )
                )
        tries.append(("POST", {"post": ["yes"]}))
        for method, data in tries:
            with transaction.atomic():
                rows_before, start = record_rows(), version()
                response = (
                    client.get(door.url, secure=True)
                    if method == "GET"
                    else client.post(door.url, data, secure=True)
                )
                if connection.vendor == "postgresql":
                    # What the database checks at commit, checked now.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                changed = version() != start and public_snapshot(claim) != before
                rereview = changed and Claim.objects.needs_rereview().filter(pk=claim.pk).exists()
                outcomes.append(
                    Outcome(
                        door,
                        method,
                        response.status_code,
                        changed,
                        rows_before,
                        record_rows() if changed else rows_before,
                        rereview,
                    )
                )
                transaction.set_rollback(True)
    return outcomes


def _addition_only(outcome: Outcome, claim) -> bool:
    """Only new rows of the kinds editors may add, and the claim waits for re-review."""
    old, new = outcome.rows_before, outcome.rows_after
    kept = all(new.get(key) == row for key, row in old.items())
    added = {key[0] for key in set(new) - set(old)}
    allowed = {m.__name__ for m in EDITORS_MAY_ADD} | {"Source", "Publisher"}
    return kept and added <= allowed and outcome.rereview


@pytest.mark.django_db
def test_an_editor_changes_nothing_readers_see_of_a_published_claim_through_any_admin_page(
    newsroom,
):
    claim, people = newsroom
    outcomes = sweep(claim, people["Editor"], people["super"])
    assert len({o.door.name for o in outcomes}) > 50  # the sweep found the admin's pages
    assert not [o for o in outcomes if o.status >= 500]
    changed = [o for o in outcomes if o.changed]
    rewrites = [(o.method, o.door.url, o.status) for o in changed if not _addition_only(o, claim)]
    assert rewrites == []
    # What editors may add (evidence, investigation updates) is all that got through, and
    # each addition puts the claim in front of a chief editor.
    assert {o.door.name for o in changed} <= {
        "claims_evidence_add",
        "sources_investigationupdate_add",
        "claims_claim_evidence_by_url",
    }


@pytest.mark.django_db
def test_a_chief_editor_can_change_what_readers_see_through_the_same_pages(newsroom):
    claim, people = newsroom
    outcomes = sweep(claim, people["Chief editor"], people["super"])
    assert not [o for o in outcomes if o.status >= 500]
    saved = {
        o.door.model.__name__
        for o in outcomes
        if o.changed and o.door.name.endswith("_change") and o.method == "POST"
    }
    # Each kind of row the claim's page shows, edited on its own change page, reached readers.
    assert {"Claim", "Claimant", "Source", "Evidence", "Investigation", "Topic"} <= saved
