"""HTTP API contract over loopback: `liqwatch run --listen 127.0.0.1:PORT` (the real binary)
after one alert episode (SOFR 2025-10-28 fires sofr_above_4_30, 2025-10-29 resolves it).

Checks every endpoint's shape (docs/api.md), that /api/v1/alerts takes the CLI's filters and
returns the same objects as `liqwatch alerts --format json`, and that bad requests (unknown ids,
bad filters, unknown parameters, wrong methods, malformed, oversized and header-bloated
requests) get a 4xx JSON error while the daemon stays up. A second test runs with api.token.
"""

import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402


class ApiContract(unittest.TestCase):
    def assertJsonError(self, r, status):
        self.assertEqual(r.status, status, r.body)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("application/json"))
        body = json.loads(r.body)
        self.assertEqual(body["error"]["status"], status)
        self.assertIsInstance(body["error"]["message"], str)
        self.assertTrue(body["error"]["message"])

    def test_endpoints_filters_and_errors(self):
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.run_episode()

            # Health.
            self.assertEqual(st.get("/healthz").json(), {"status": "ok"})
            self.assertEqual(st.get("/readyz").json(), {"status": "ready"})

            # /api/v1/alerts: the CLI's objects, newest first.
            r = st.get("/api/v1/alerts")
            self.assertEqual(r.status, 200)
            alerts = r.json()["alerts"]
            self.assertEqual(len(alerts), 1, alerts)
            cli = lwtest.cli_json("alerts", "--db", st.db, "--format", "json")
            # The CLI's objects, plus display strings from the formatting layer.
            exact = [{k: v for k, v in x.items() if not k.endswith("_display")} for x in alerts]
            self.assertEqual(exact, cli)
            self.assertEqual((alerts[0]["value_display"], alerts[0]["threshold_display"]),
                             ("4.27%", "4.30%"))
            self.assertRegex(alerts[0]["opened_at_display"], r"^\d{4}-\d\d-\d\d \d\d:\d\d ET$")
            a = alerts[0]
            self.assertEqual(a["rule"], "sofr_above_4_30")
            self.assertEqual(a["state"], "resolved")
            self.assertEqual(a["first_observation_date"], "2025-10-28")
            self.assertEqual(a["deliveries"], {"pending": 0, "delivered": 2, "dead": 0})
            for q, n in [("?state=resolved", 1), ("?state=firing", 0), ("?rule=sofr_above_4_30", 1),
                         ("?rule=nope", 0), ("?severity=critical", 1), ("?severity=warning", 0),
                         ("?series=sofr", 1), ("?series=iorb", 0), ("?since=7d", 1),
                         ("?since=2099-01-01", 0), ("?until=2000-01-01", 0), ("?limit=1", 1),
                         ("?text=SOFR", 1), ("?text=zzz-no-such", 0),
                         ("?since=30d&rule=sofr_above_4_30&state=resolved&limit=5", 1)]:
                got = st.get("/api/v1/alerts" + q)
                self.assertEqual(got.status, 200, (q, got.body))
                self.assertEqual(len(got.json()["alerts"]), n, q)

            # /api/v1/alerts/{id}: events and delivery attempts.
            d = st.get(f"/api/v1/alerts/{a['id']}").json()
            self.assertEqual(d["alert"], a)
            self.assertEqual([e["kind"] for e in d["events"]], ["firing", "resolved"])
            self.assertEqual([e["observation_date"] for e in d["events"]],
                             ["2025-10-28", "2025-10-29"])
            for e in d["events"]:
                self.assertRegex(e["event_time"], lwtest.ISO_UTC)
                self.assertEqual(e["alert_id"], a["id"])
            self.assertEqual(len(d["deliveries"]), 2)
            for dl in d["deliveries"]:
                self.assertEqual(dl["status"], "delivered")
                self.assertEqual(dl["notifier"], "sink")
                self.assertGreaterEqual(dl["attempts"], 1)
                self.assertIn(dl["event_id"], [e["id"] for e in d["events"]])
                self.assertEqual(set(dl), {"id", "event_id", "notifier", "status", "attempts",
                                           "next_attempt_at", "last_error", "created_at",
                                           "delivered_at", "delivered_at_display"})

            # /api/v1/series/{id}
            s = st.get("/api/v1/series/sofr?since=2025-10-20").json()
            self.assertEqual(s["id"], "sofr")
            self.assertEqual(s["unit"], "percent")
            dates = [o["date"] for o in s["observations"]]
            self.assertEqual(dates[0], "2025-10-20")
            self.assertEqual(dates[-1], "2025-10-29")
            self.assertEqual(dates, sorted(dates))
            self.assertEqual({r["name"] for r in s["rules"]}, {"sofr_above_4_30", "sofr_above_4_50"})
            r430 = next(r for r in s["rules"] if r["name"] == "sofr_above_4_30")
            self.assertEqual((r430["op"], r430["threshold"], r430["severity"]), (">", 4.3, "critical"))
            self.assertEqual([(e["kind"], e["observation_date"]) for e in s["events"]],
                             [("firing", "2025-10-28"), ("resolved", "2025-10-29")])
            full = st.get("/api/v1/series/sofr").json()
            self.assertEqual(full["observations"][0]["date"], "2025-09-15")

            # /api/v1/sources and /api/v1/rules
            srcs = st.get("/api/v1/sources").json()["sources"]
            self.assertEqual([x["name"] for x in srcs], ["fred"])
            ser = {x["id"]: x for x in srcs[0]["series"]}
            self.assertEqual(set(ser), {"sofr", "iorb"})
            self.assertGreaterEqual(ser["sofr"]["health"]["polls"], 2)
            self.assertEqual(ser["sofr"]["health"]["consecutive_failures"], 0)
            self.assertEqual(ser["sofr"]["release"]["schedule"], "10:00 ET, D+1bd, grace 4h")
            fresh = ser["sofr"]["freshness"]  # 2025 fixture prints, judged at the wall clock
            self.assertEqual((fresh["state"], fresh["late"]), ("late", True))
            self.assertRegex(fresh["message"],
                             r"^sofr for \d{4}-\d\d-\d\d not published by \d\d:\d\d ET on ")
            rules = {x["name"]: x for x in st.get("/api/v1/rules").json()["rules"]}
            self.assertEqual(rules["sofr_above_4_30"]["state"], "resolved")
            self.assertEqual(rules["sofr_above_4_30"]["last_observation_date"], "2025-10-29")
            self.assertIn(rules["sofr_above_4_50"]["state"], ("inactive",))

            # Bad requests: 4xx JSON, never a crash.
            self.assertJsonError(st.get("/api/v1/alerts/999999"), 404)
            self.assertJsonError(st.get("/api/v1/alerts/abc"), 400)
            self.assertJsonError(st.get("/api/v1/alerts/-1"), 400)
            self.assertJsonError(st.get("/api/v1/series/no_such_series"), 404)
            self.assertJsonError(st.get("/api/v1/nope"), 404)
            for q in ["?since=yesterday", "?until=13-13", "?state=open", "?severity=fatal",
                      "?limit=0", "?limit=-5", "?limit=100000", "?limit=ten", "?colour=red",
                      "?rule=a&rule=b", "?text=%zz", "?text=%00"]:
                self.assertJsonError(st.get("/api/v1/alerts" + q), 400)
            self.assertJsonError(st.get("/api/v1/series/sofr?since=later"), 400)
            r = st.get("/api/v1/alerts", method="POST", data=b"{}")
            self.assertJsonError(r, 405)
            self.assertEqual(r.headers.get("Allow"), "GET, HEAD")
            self.assertJsonError(st.get("/api/v1/alerts", method="DELETE"), 405)
            head = st.get("/api/v1/alerts", method="HEAD")
            self.assertEqual(head.status, 200)
            self.assertEqual(head.body, b"")
            self.assertEqual(int(head.headers["Content-Length"]), len(st.get("/api/v1/alerts").body))
            # Keep-alive: two requests on one connection, HEAD first.
            both = apitest.raw(st.port, b"HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                               b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            self.assertEqual(both.count(b"HTTP/1.1 200 OK"), 2, both)
            self.assertTrue(both.endswith(b'{"status":"ok"}\n'), both)

            # Malformed and oversized requests on a raw socket.
            for data, code in [
                    (b"NONSENSE\r\n\r\n", b"400"),
                    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n", b"400"),
                    (b"GET /api/v1/alerts HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000
                     + b"\r\n\r\n", b"431"),
                    (b"POST /api/v1/alerts HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"
                     + b"x" * 70000, b"413"),
                    (b"GET /api/v1/alerts HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n", b"400")]:
                out = apitest.raw(st.port, data)
                self.assertTrue(out.startswith(b"HTTP/1.1 " + code), (data[:60], out[:200]))
                self.assertIn(b'"error"', out)
            self.assertEqual(st.get("/healthz").status, 200)
            st.daemon.assert_alive()
            self.assertEqual(st.daemon.terminate(), 0)

    def test_bearer_token(self):
        token = "api-t0ken-5b1e"  # must never reach the log
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp, token=token)
            st.wait_ready()
            for path in ["/api/v1/alerts", "/api/v1/rules", "/metrics"]:
                self.assertJsonError(apitest.get(st.base + path), 401)
                r = apitest.get(st.base + path, headers={"Authorization": "Bearer wrong"})
                self.assertJsonError(r, 401)
                self.assertIn("Bearer", r.headers.get("WWW-Authenticate", ""))
                self.assertEqual(st.get(path).status, 200, path)
            # Health checks and the dashboard shell are open (they carry no data).
            self.assertEqual(apitest.get(st.base + "/healthz").status, 200)
            self.assertEqual(apitest.get(st.base + "/readyz").status, 200)
            self.assertEqual(st.daemon.terminate(), 0)
            self.assertNotIn(token, st.daemon.log())


if __name__ == "__main__":
    unittest.main()
