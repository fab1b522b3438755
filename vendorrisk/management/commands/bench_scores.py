"""`make bench`: measure the recompute at a given scale on PostgreSQL and write var/bench/results.json.

It builds a synthetic world (fictional names) in a database whose name must contain "bench", then
measures: the raw read floor, the full rebuild, single changes, write-to-fresh through the API with a
real worker and Redis (when REDIS_URL is set), and a 10,000-engagement burst.
"""

import json
import os
import platform
import random
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from assessments import recompute
from assessments.models import Assessment, Questionnaire, VendorScore
from incidents.models import Incident
from vendorrisk.core.worker import CeleryWorker
from vendorrisk.models import User
from vendors import services as vendor_services
from vendors.models import Engagement, Lab, ScoreMark, Vendor, VendorDependency
from vendors.rules import CRITICALITY_ORDER

SCALES = {
    "reference": {
        "labs": 1000,
        "vendors": 10000,
        "engagements": 100000,
        "edges": 20000,
        "incidents": 5000,
        "assessments": 3000,
    },
    "small": {
        "labs": 50,
        "vendors": 500,
        "engagements": 5000,
        "edges": 1000,
        "incidents": 250,
        "assessments": 150,
    },
}
STATUSES = ["proposed", "active", "active", "active", "suspended", "ended"]
LEVELS = {
    "criticality": list(CRITICALITY_ORDER),
    "data_sensitivity": ["public", "internal", "confidential", "restricted"],
    "substitutability": ["easy", "moderate", "difficult", "none"],
}
INPUT_QUERIES = [
    "SELECT id FROM vendors_lab",
    "SELECT id, parent_id FROM vendors_vendor",
    "SELECT id, lab_id, vendor_id, status, criticality, data_sensitivity, substitutability, data_disposed_on "
    "FROM vendors_engagement WHERE status <> 'proposed'",
    "SELECT vendor_id, depends_on_id, shares_data FROM vendors_vendordependency WHERE shares_data",
    "SELECT id, vendor_id, severity, status, resolved_at FROM incidents_incident",
    "SELECT id, vendor_id, status, rating, completed_at, valid_until FROM assessments_assessment "
    "WHERE status = 'completed'",
]


def pct(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)


class Command(BaseCommand):
    help = "Benchmark the score recompute (writes var/bench/results.json)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="reference")
        parser.add_argument("--seed", type=int, default=20261201)
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "results.json")
        )
        parser.add_argument("--skip-worker", action="store_true", help="Skip write_to_fresh_ms.")
        parser.add_argument(
            "--what-if-only", action="store_true", help="Build the world and measure what_if_ms only."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
            raise CommandError("Run against a PostgreSQL database whose name contains 'bench' (it is wiped).")
        self.rng = random.Random(options["seed"])
        scale = SCALES[options["scale"]]
        results = {"scale": options["scale"], "sizes": scale, "machine": self.machine()}
        self.say(f"Building the {options['scale']} world …")
        results["build_s"] = self.timed(lambda: self.build(scale))
        results["raw_read_s"] = min(self.timed(self.raw_read) for _ in range(3))
        self.say(f"raw read {results['raw_read_s']:.2f} s")
        results["what_if_ms"] = self.what_if(20)
        self.say(f"what-if p50 {results['what_if_ms']}")
        if options["what_if_only"]:
            self.stdout.write(json.dumps(results, indent=2, default=str))
            return
        rebuild = recompute.rebuild_all()
        results["full_rebuild_s"] = round(rebuild.seconds, 3)
        results["rebuild_to_floor"] = round(rebuild.seconds / results["raw_read_s"], 2)
        self.say(f"full rebuild {rebuild.seconds:.2f} s (×{results['rebuild_to_floor']} the floor)")
        results["single_change_ms"] = self.single_changes(50)
        self.say(f"single change p50 {results['single_change_ms']['p50']} ms")
        if not options["skip_worker"]:
            results["write_to_fresh_ms"] = self.write_to_fresh(20)
        results["dashboard_ms"] = self.dashboard(10)
        self.say(f"dashboard p50 {results['dashboard_ms']['p50']} ms")
        results["burst_10k_drains"], results["burst_10k_s"] = self.burst(10_000)
        self.say(f"burst: {results['burst_10k_drains']} drain(s), {results['burst_10k_s']} s")
        results["targets"] = {
            "rebuild_to_floor<=3": results["rebuild_to_floor"] <= 3,
            "single_change_p50<=50ms": results["single_change_ms"]["p50"] <= 50,
            "write_to_fresh_p50<=1000ms": (results.get("write_to_fresh_ms") or {}).get("p50", 1e9) <= 1000,
            "burst_10k_drains<=10": results["burst_10k_drains"] <= 10,
            "dashboard_p50<=250ms": results["dashboard_ms"]["p50"] <= 250,
            "what_if_p50<1000ms": max(v["p50"] for v in results["what_if_ms"].values()) < 1000,
        }
        out = Path(options["output"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str))
        self.stdout.write(json.dumps(results, indent=2, default=str))

    def say(self, text):
        self.stderr.write(text)

    def timed(self, fn) -> float:
        started = time.perf_counter()
        fn()
        return round(time.perf_counter() - started, 3)

    def machine(self) -> dict:
        with connection.cursor() as c:
            c.execute("SHOW server_version")
            pg = c.fetchone()[0]
        return {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": pg,
            "platform": platform.platform(),
        }

    def raw_read(self):
        with connection.cursor() as c:
            for sql in INPUT_QUERIES:
                c.execute(sql)
                c.fetchall()

    def build(self, n):
        rng = self.rng
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute(
                    "TRUNCATE vendors_scoremark, assessments_vendorscore, assessments_vendorscorehistory, "
                    "assessments_labconcentration, assessments_labconcentrationhistory, "
                    "assessments_shareddependency, assessments_finding, assessments_answer, assessments_assessment, "
                    "incidents_notification, incidents_labresponse, incidents_incidentupdate, incidents_incident, "
                    "vendors_engagement, vendors_vendordependency, vendors_lab_members, vendors_lab, vendors_vendor, "
                    "auditlog_logentry RESTART IDENTITY CASCADE"
                )
            Lab.objects.bulk_create(
                [Lab(name=f"Bench Lab {i:05d}", slug=f"bench-lab-{i}") for i in range(n["labs"])]
            )
            Vendor.objects.bulk_create(
                [
                    Vendor(name=f"Bench Vendor {i:05d}", slug=f"bench-vendor-{i}", category="data_labeling")
                    for i in range(n["vendors"])
                ],
                batch_size=5000,
            )
            lab_ids = list(Lab.objects.values_list("id", flat=True))
            vendor_ids = list(Vendor.objects.values_list("id", flat=True))
            roots = vendor_ids[: len(vendor_ids) // 20]
            children = rng.sample(vendor_ids[len(roots) :], len(vendor_ids) // 10)
            Vendor.objects.bulk_update(
                [Vendor(id=v, parent_id=rng.choice(roots)) for v in children], ["parent"], batch_size=5000
            )
            pairs = set()
            while len(pairs) < n["edges"]:
                a, b = rng.choice(vendor_ids), rng.choice(vendor_ids)
                if a != b:
                    pairs.add((a, b))
            VendorDependency.objects.bulk_create(
                [
                    VendorDependency(vendor_id=a, depends_on_id=b, shares_data=rng.random() < 0.8)
                    for a, b in pairs
                ],
                batch_size=5000,
            )
            # Engagements concentrate on popular vendors, as real dependence does.
            weights = [1.0 / (i + 1) ** 0.8 for i in range(len(vendor_ids))]
            chosen = rng.choices(vendor_ids, weights, k=n["engagements"])
            start = date(2024, 1, 1)
            rows = []
            for i, vendor_id in enumerate(chosen):
                status = rng.choice(STATUSES)
                s = start + timedelta(days=rng.randrange(600))
                rows.append(
                    Engagement(
                        lab_id=rng.choice(lab_ids),
                        vendor_id=vendor_id,
                        title=f"Bench engagement {i}",
                        status=status,
                        start_date=s,
                        end_date=s + timedelta(days=200) if status == "ended" else None,
                        data_disposed_on=s + timedelta(days=100)
                        if status == "ended" and rng.random() < 0.5
                        else None,
                        **{k: rng.choice(v) for k, v in LEVELS.items()},
                    )
                )
            Engagement.objects.bulk_create(rows, batch_size=5000)
            now = timezone.now()
            incidents = []
            for i in range(n["incidents"]):
                status = rng.choice(["reported", "investigating", "contained", "resolved", "closed"])
                incidents.append(
                    Incident(
                        vendor_id=rng.choice(vendor_ids),
                        title=f"Bench incident {i}",
                        severity=rng.choice(LEVELS["criticality"]),
                        status=status,
                        data_exposure="suspected",
                        discovered_at=now - timedelta(days=rng.randrange(900)),
                        resolved_at=now - timedelta(days=rng.randrange(800))
                        if status in ("resolved", "closed")
                        else None,
                    )
                )
            Incident.objects.bulk_create(incidents, batch_size=5000)
            questionnaire, _ = Questionnaire.objects.get_or_create(name="Bench questionnaire", version=1)
            Assessment.objects.bulk_create(
                [
                    Assessment(
                        vendor_id=v,
                        questionnaire=questionnaire,
                        status="completed",
                        score=70,
                        rating=rng.choice(["strong", "satisfactory", "needs_improvement", "unsatisfactory"]),
                        completed_at=now - timedelta(days=rng.randrange(400)),
                        valid_until=(now + timedelta(days=rng.randrange(-200, 400))).date(),
                    )
                    for v in rng.sample(vendor_ids, n["assessments"])
                ],
                batch_size=5000,
            )
            ScoreMark.objects.all().delete()
        with connection.cursor() as c:
            c.execute("ANALYZE")

    def single_changes(self, count) -> dict:
        from unittest import mock

        timings, rows = [], []
        ids = list(Engagement.objects.exclude(status="proposed").values_list("id", flat=True))
        for pk in self.rng.sample(ids, count):
            engagement = Engagement.objects.get(pk=pk)
            new = self.rng.choice([c for c in LEVELS["criticality"] if c != engagement.criticality])
            with mock.patch("vendors.dirty._send_drain"):  # measure the drain itself, not the dispatch
                vendor_services.engagement_update(actor=None, instance=engagement, criticality=new)
            started = time.perf_counter()
            result = recompute.drain()
            timings.append((time.perf_counter() - started) * 1000)
            rows.append(result.vendors + result.labs)
        return {
            "p50": pct(timings, 0.5),
            "p95": pct(timings, 0.95),
            "rows_touched_p50": pct(rows, 0.5),
            "rows_touched_max": max(rows),
        }

    def what_if(self, count) -> dict:
        """`POST /api/what-if/` with one change, a new engagement of a random lab, for the vendor with the
        most engagements and for one with a single engagement (p50, p95 after a warm-up). It reads only."""
        from django.db.models import Count

        user, _ = User.objects.get_or_create(username="bench-planner", defaults={"role": "admin"})
        client = Client()
        client.force_login(user)
        by_engagements = Vendor.objects.annotate(n=Count("engagements")).filter(n__gt=0).order_by("-n", "id")
        vendors = {"popular": by_engagements.first(), "obscure": by_engagements.filter(n=1).last()}
        lab_ids = list(Lab.objects.values_list("id", flat=True))
        results = {}
        for kind, vendor in vendors.items():
            timings = []
            for k in range(count + 1):
                fields = {
                    "lab": self.rng.choice(lab_ids), "vendor": vendor.id, "title": f"Bench plan {k}",
                    "status": "active", "criticality": "high", "data_sensitivity": "confidential",
                    "substitutability": "moderate", "start_date": "2026-01-01",
                }  # fmt: skip
                plan = {
                    "changes": [{"op": "create", "object": "engagement", "ref": "new:1", "fields": fields}]
                }
                started = time.perf_counter()
                response = client.post("/api/what-if/", plan, content_type="application/json")
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.content
                if k:  # the first request warms up
                    timings.append(elapsed)
            results[kind] = {
                "vendor_engagements": vendor.engagements.count(),
                "p50": pct(timings, 0.5),
                "p95": pct(timings, 0.95),
            }
        return results

    def write_to_fresh(self, count) -> dict | None:
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            self.say("REDIS_URL not set: skipping write_to_fresh_ms")
            return None
        from vendorrisk.celery import app

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "vendorrisk.settings.local",
            "DATABASE_URL": self.db_url(),
            "REDIS_URL": redis_url,
        }
        (Path(settings.BASE_DIR) / "var" / "bench").mkdir(parents=True, exist_ok=True)
        worker = CeleryWorker(
            env,
            cwd=Path(settings.BASE_DIR),
            log_path=Path(settings.BASE_DIR) / "var" / "bench" / "worker.log",
        )
        try:
            app.conf.task_always_eager = False
            app.conf.broker_url = redis_url
            worker.wait_for("ready", 60)
            user, _ = User.objects.get_or_create(username="bench", defaults={"role": "admin"})
            client = Client()
            client.force_login(user)
            timings = []
            ids = list(Engagement.objects.filter(status="active").values_list("id", flat=True)[:5000])
            for pk in self.rng.sample(ids, count):
                engagement = Engagement.objects.get(pk=pk)
                new = self.rng.choice([c for c in LEVELS["criticality"] if c != engagement.criticality])
                started = time.perf_counter()
                response = client.patch(
                    f"/api/engagements/{pk}/", {"criticality": new}, content_type="application/json"
                )
                assert response.status_code == 200, response.content
                while ScoreMark.objects.exists():
                    time.sleep(0.005)
                timings.append((time.perf_counter() - started) * 1000)
            return {"p50": pct(timings, 0.5), "p95": pct(timings, 0.95)}
        finally:
            worker.stop()
            app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER

    def dashboard(self, count) -> dict:
        """The security team's morning page, signed in as an all-labs user, after one warm-up request."""
        user, _ = User.objects.get_or_create(
            username="bench-analyst", defaults={"role": "security", "all_labs": True}
        )
        client = Client()
        client.force_login(user)
        assert client.get("/").status_code == 200
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get("/")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return {"p50": pct(timings, 0.5), "p95": pct(timings, 0.95)}

    def db_url(self) -> str:
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def burst(self, count):
        from vendorrisk.celery import app

        lab_ids = list(Lab.objects.values_list("id", flat=True))
        vendor_ids = list(Vendor.objects.values_list("id", flat=True))
        rows = [
            {
                "lab_id": self.rng.choice(lab_ids),
                "vendor_id": self.rng.choice(vendor_ids),
                "title": f"Burst {i}",
                "status": "active",
                "criticality": "high",
                "data_sensitivity": "confidential",
                "substitutability": "moderate",
                "start_date": date(2026, 1, 1),
            }
            for i in range(count)
        ]
        drains = []
        app.conf.task_always_eager = True  # in-process drain after commit, counted below
        original = recompute.drain

        def counting_drain(**kwargs):
            result = original(**kwargs)
            if result.marks:
                drains.append(result)
            return result

        recompute.drain = counting_drain
        try:
            started = time.perf_counter()
            vendor_services.engagement_bulk_create(actor=None, rows=[{**r} for r in rows])
            elapsed = time.perf_counter() - started
        finally:
            recompute.drain = original
        assert not ScoreMark.objects.exists()
        assert VendorScore.objects.count() == len(vendor_ids)
        return len(drains), round(elapsed, 3)
