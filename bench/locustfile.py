"""The real mix, as the commune uses the app: mostly reading, some milestone updates and
report draft saves. Run by bench/load.py against gunicorn behind nginx."""
import json
import os
import random
import re
from collections import defaultdict

import gevent
from locust import FastHttpUser, between, events, task

CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
STATUS_FORM = re.compile(r'action="(/milestones/(\d+)/status)".*?name="version"[^>]*value="(\d+)"', re.S)
REPORT_LINK = re.compile(r'href="(/units/ban-mau-0[12]/reports/\d+)"')
HIDDEN = re.compile(r'<input[^>]+type="hidden"[^>]*>')
TEXTAREA = re.compile(r'<textarea[^>]+name="([^"]+)"')
SQL = defaultdict(list)  # route name → SQL statements per request
SIGN_IN = defaultdict(list)  # sign-in timings, kept apart: the steady-state table is reset
SIGN_IN_ERRORS = []


def _attr(tag, name):
    m = re.search(fr'{name}="([^"]*)"', tag)
    return m.group(1) if m else None


@events.spawning_complete.add_listener
def _settle(user_count, **kwargs):
    """The steady state starts BENCH_SETTLE seconds after the last user arrived: by then the
    last sign-ins are done and the queue they built has drained. Statistics start afresh."""
    gevent.spawn_later(float(os.environ.get("BENCH_SETTLE", "15")), _ENV[0].stats.reset_all)


_ENV = []


@events.init.add_listener
def _keep_environment(environment, **kwargs):
    _ENV.append(environment)


@events.request.add_listener
def _count_sql(name, response, response_time, exception=None, **kwargs):
    if name.endswith(" /login"):
        SIGN_IN[name].append(None if exception else response_time)
        if exception:
            SIGN_IN_ERRORS.append(f"{name}: {exception!r}"[:300])
    if response is not None and "X-SQL-Statements" in response.headers:
        SQL[name].append(int(response.headers["X-SQL-Statements"]))


@events.quitting.add_listener
def _save_sql(environment, **kwargs):
    path = os.environ.get("BENCH_SQL_OUT")
    if path:
        with open(path, "w") as fh:
            json.dump({"sql": SQL, "sign_in": SIGN_IN, "sign_in_errors": SIGN_IN_ERRORS}, fh)


class Person(FastHttpUser):  # geventhttpclient: the load generator takes less of the 2 cores
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        for _attempt in range(3):  # as a person would: a failed sign-in is tried again
            page = self.client.get("/login", name="GET /login").text
            found = FORM_CSRF.search(page)
            if not found:
                continue
            home = self.client.post("/login", name="POST /login", data={
                "csrf_token": found.group(1), "username": self.username,
                "password": "binhlu2026"})
            m = CSRF.search(home.text)
            if m:
                self.token = m.group(1)
                return
        raise RuntimeError(f"{self.username} could not sign in")

    def htmx_headers(self, target):
        return {"HX-Request": "true", "HX-Target": target, "X-CSRFToken": self.token}


class VillageHead(Person):
    weight = 6

    def on_start(self):
        self.username = random.choice(("ban01", "ban02"))
        self.slug = "ban-mau-0" + self.username[-1]
        super().on_start()

    @task(5)
    def unit_page(self):
        self.client.get(f"/units/{self.slug}", name="GET /units/<slug>")

    @task(2)
    def milestone_status(self):
        page = self.client.get(f"/units/{self.slug}", name="GET /units/<slug>").text
        forms = STATUS_FORM.findall(page)
        if not forms:
            return
        action, mid, version = random.choice(forms)
        status = random.choice(("in_progress", "done", "paused"))
        with self.client.post(action, name="POST /milestones/<id>/status (htmx)",
                              data={"status": status, "version": version},
                              headers=self.htmx_headers(f"m-{mid}"), catch_response=True) as r:
            if r.status_code == 409:
                r.success()  # someone else changed it first: the person is told, nothing lost

    @task(2)
    def report_draft(self):
        index = self.client.get("/reports", name="GET /reports").text
        links = REPORT_LINK.findall(index)
        if not links:
            return
        url = links[0]
        page = self.client.get(url, name="GET /units/<slug>/reports/<period>").text
        data = {_attr(t, "name"): _attr(t, "value") or "" for t in HIDDEN.findall(page)
                if _attr(t, "name") and _attr(t, "name") != "csrf_token"}
        for name in TEXTAREA.findall(page)[:2]:
            data[name] = f"Kết quả đạt được trong kỳ, bản ghi số {random.randint(1, 10**6)}."
        with self.client.post(url + "/draft", name="POST /units/<slug>/reports/<period>/draft (htmx)",
                              data=data, headers=self.htmx_headers("save-status"),
                              catch_response=True) as r:
            if r.status_code in (409, 403):
                r.success()  # a submitted report or a concurrent save: told, not an error


class Chair(Person):
    weight = 2
    username = "chutich"

    @task(3)
    def dashboard(self):
        self.client.get("/dashboard", name="GET /dashboard")

    @task(1)
    def plan(self):
        self.client.get("/plan", name="GET /plan")

    @task(1)
    def units(self):
        self.client.get("/units/", name="GET /units/")


class Office(Person):
    weight = 2
    username = "vhxh"

    @task(2)
    def completeness(self):
        self.client.get("/reports/completeness", name="GET /reports/completeness")

    @task(2)
    def overview(self):
        self.client.get("/units/", name="GET /units/")

    @task(1)
    def export(self):
        self.client.get("/indicators/export.csv", name="GET /indicators/export.csv")
