"""Alert history paging and operator actions through the HTTP API, over loopback against the real
daemon (`liqwatch run --listen HOST:PORT`) and its SQLite file.

- History: /api/v1/alerts pages with a `next` cursor over any filter, newest first, each alert
  once, and alerts opened while paging do not shift later pages; ?format=csv gives the same rows
  as CSV (RFC 4180, a `Link: <...>; rel="next"` to the following page) and equals
  `liqwatch alerts --format csv`; the CLI's --cursor continues where the API's `next` points.
- Writes: POST/DELETE /api/v1/silences and POST /api/v1/alerts/{id}/ack need the bearer token
  (401 without, nothing stored), write one audit row each (GET /api/v1/audit; who is
  "token@ADDR", never the token), and the token is in no answer, log line or database row.
- Without api.token, writes are served on loopback (who: "loopback@ADDR") and refused with 403
  when the API listens beyond loopback, while reads still answer.
"""

import csv
import io
import json
import sqlite3
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402

TOKEN = "s3cret-api-token-7f2a9c"


def add_alerts(db: Path, first_id: int, count: int, day: str, rule: str = "bulk_rule") -> None:
    """Inserts `count` resolved alerts of `rule` opened on `day`, three per opened_at (ties), with
    messages that need CSV quoting."""
    con = sqlite3.connect(db, timeout=10)
    try:
        with con:
            for i in range(count):
                aid = first_id + i
                opened = f"{day}T{(i // 3) // 60 % 24:02d}:{(i // 3) % 60:02d}:00.000Z"
                con.execute(
                    "INSERT INTO alerts (id, rule, series, severity, state, opened_at, resolved_at, "
                    "first_obs_date, last_obs_date, value, threshold, message) VALUES "
                    "(?, ?, 'sofr', 'warning', 'resolved', ?, ?, ?, ?, 4.31, 4.3, ?)",
                    (aid, rule, opened, opened, day, day,
                     f'alert {aid}: SOFR 4.31% > 4.30%, "bulk"\nsecond line'))
    finally:
        con.close()


def expected_order(db: Path, where: str = "1") -> list[int]:
    return [r["id"] for r in lwtest.db_query(
        db, f"SELECT id FROM alerts WHERE {where} ORDER BY opened_at DESC, id DESC")]


class HistoryPaging(unittest.TestCase):
    def test_cursor_pages_csv_and_loopback_writes(self):
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.wait_ready()
            add_alerts(st.db, 1000, 250, "2025-11-03")
            add_alerts(st.db, 2000, 40, "2025-11-02", rule="other_rule")
            want = expected_order(st.db)
            self.assertEqual(len(want), 290)

            # JSON pages of 100 over everything; a new alert arrives between pages.
            seen, cursor, pages, new_id = [], None, 0, 5000
            while True:
                q = "/api/v1/alerts?limit=100" + (f"&cursor={cursor}" if cursor else "")
                r = st.get(q)
                self.assertEqual(r.status, 200, r.body)
                body = r.json()
                seen += [a["id"] for a in body["alerts"]]
                pages += 1
                cursor = body["next"]
                if cursor is None:
                    break
                add_alerts(st.db, new_id, 1, "2025-12-01")  # newer than all: on no later page
                new_id += 1
            self.assertEqual(pages, 3)
            self.assertEqual(seen, want)

            # A filter pages the same way: only other_rule, pages of 15.
            seen, cursor = [], ""
            for _ in range(10):
                body = st.get(f"/api/v1/alerts?rule=other_rule&limit=15{cursor}").json()
                seen += [a["id"] for a in body["alerts"]]
                if body["next"] is None:
                    break
                cursor = f"&cursor={body['next']}"
            self.assertEqual(seen, expected_order(st.db, "rule = 'other_rule'"))

            # A cursor that is not one is a 400 naming it.
            r = st.get("/api/v1/alerts?cursor=banana")
            self.assertEqual(r.status, 400)
            self.assertEqual(r.json()["error"]["message"],
                             "cursor: 'banana' is not a cursor; pass the `next` of a previous page")

            # CSV export: same rows as JSON, quoted, with a Link to the next page.
            r = st.get("/api/v1/alerts?rule=bulk_rule&limit=100&format=csv")
            self.assertEqual(r.status, 200, r.body)
            self.assertTrue(r.headers["Content-Type"].startswith("text/csv"))
            self.assertIn("attachment", r.headers["Content-Disposition"])
            rows = list(csv.reader(io.StringIO(r.body.decode(), newline="")))
            self.assertEqual(rows[0][:5], ["id", "opened_at", "rule", "severity", "state"])
            self.assertEqual(len(rows), 101)
            page1 = st.get("/api/v1/alerts?rule=bulk_rule&limit=100").json()
            self.assertEqual([int(row[0]) for row in rows[1:]], [a["id"] for a in page1["alerts"]])
            first = page1["alerts"][0]
            self.assertEqual(rows[1][rows[0].index("message")], first["message"])
            self.assertIn('"bulk"\nsecond line', rows[1][rows[0].index("message")])
            link = r.headers["Link"]
            self.assertEqual(link, f'</api/v1/alerts?rule=bulk_rule&limit=100&format=csv&'
                                   f'cursor={page1["next"]}>; rel="next"')
            r2 = st.get(link[1:link.index(">")])
            rows2 = list(csv.reader(io.StringIO(r2.body.decode(), newline="")))
            page2 = st.get(f"/api/v1/alerts?rule=bulk_rule&limit=100&cursor={page1['next']}").json()
            self.assertEqual([int(row[0]) for row in rows2[1:]], [a["id"] for a in page2["alerts"]])
            # The CLI's CSV of the same filter is byte for byte the API's.
            cli = subprocess.run([lwtest.BIN, "alerts", "--db", str(st.db), "--rule", "bulk_rule",
                                  "--limit", "100", "--format", "csv"], capture_output=True,
                                 timeout=30, check=True)
            self.assertEqual(cli.stdout, r.body)
            self.assertEqual(cli.stderr.decode().strip(), f"more: --cursor {page1['next']}")
            # ... and its --cursor continues where the API's `next` points.
            cli2 = lwtest.cli_json("alerts", "--db", st.db, "--rule", "bulk_rule", "--limit", "100",
                                   "--cursor", page1["next"], "--format", "json")
            self.assertEqual(cli2, [{k: v for k, v in x.items() if not k.endswith("_display")}
                                    for x in page2["alerts"]])  # the API adds display strings

            # No api.token, loopback: writes are served, and audited as loopback@ADDR (the address
            # the server saw: a client's own Liqwatch-Remote-Addr header is replaced).
            r = st.get("/api/v1/silences", method="POST", data=json.dumps(
                {"rule": "bulk_rule", "for": "2h", "comment": "desk knows"}).encode(),
                headers={"Content-Type": "application/json", "Liqwatch-Remote-Addr": "6.6.6.6"})
            self.assertEqual(r.status, 201, r.body)
            self.assertEqual(r.json()["silence"]["created_by"], "loopback@127.0.0.1")
            audit = st.get("/api/v1/audit").json()["audit"]
            self.assertEqual([(a["actor"], a["action"]) for a in audit],
                             [("loopback@127.0.0.1", "silence.add")])
            # A POST that a cross-site form could send (not JSON) is refused.
            r = st.get("/api/v1/silences", method="POST", data=b"rule=x&for=2h",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r.status, 415, r.body)
            self.assertEqual(len(lwtest.db_query(st.db, "SELECT * FROM silences")), 1)


class Writes(unittest.TestCase):
    def test_writes_need_the_token_and_leave_an_audit_row(self):
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp, token=TOKEN)
            st.run_episode()
            alert_id = st.get("/api/v1/alerts").json()["alerts"][0]["id"]
            body = json.dumps({"rule": "sofr_above_4_30", "labels": [], "for": "2h",
                               "comment": "known: month-end"}).encode()
            json_ct = {"Content-Type": "application/json"}

            # Without the token (or with a wrong one): 401, nothing stored.
            for headers in ({}, {"Authorization": "Bearer wrong"}):
                r = apitest.get(st.base + "/api/v1/silences", method="POST", data=body,
                                headers={**json_ct, **headers})
                self.assertEqual(r.status, 401, r.body)
                self.assertEqual(r.headers["WWW-Authenticate"], 'Bearer realm="liqwatch"')
                r = apitest.get(st.base + f"/api/v1/alerts/{alert_id}/ack", method="POST",
                                data=b'{"comment": "x"}', headers={**json_ct, **headers})
                self.assertEqual(r.status, 401, r.body)
                r = apitest.get(st.base + "/api/v1/silences/1", method="DELETE", headers=headers)
                self.assertEqual(r.status, 401, r.body)
            self.assertEqual(lwtest.db_query(st.db, "SELECT count(*) AS n FROM silences")[0]["n"], 0)
            self.assertEqual(lwtest.db_query(st.db, "SELECT count(*) AS n FROM audit")[0]["n"], 0)

            # Bad requests name what is wrong and store nothing.
            for bad, message in [
                    ({"rule": "r", "for": "0s"}, "for 0s: a silence must last longer than 0s"),
                    ({"rule": "r"}, "give either for DURATION or until TIME"),
                    ({"rule": "r", "for": "2h", "labels": ["nokv"]},
                     "label 'nokv': expected KEY=VALUE"),
                    ({"rule": "r", "for": "2h", "color": "red"}, "unknown field 'color'")]:
                r = st.get("/api/v1/silences", method="POST", data=json.dumps(bad).encode(),
                           headers=json_ct)
                self.assertEqual(r.status, 400, (bad, r.body))
                self.assertIn(message, r.json()["error"]["message"])
            self.assertEqual(lwtest.db_query(st.db, "SELECT count(*) AS n FROM silences")[0]["n"], 0)

            # Add, list, expire a silence; acknowledge the alert.
            r = st.get("/api/v1/silences", method="POST", data=body, headers=json_ct)
            self.assertEqual(r.status, 201, r.body)
            sil = r.json()["silence"]
            self.assertEqual((sil["rule"], sil["comment"], sil["active"]),
                             ("sofr_above_4_30", "known: month-end", True))
            listed = st.get("/api/v1/silences").json()["silences"]
            self.assertEqual([s["id"] for s in listed], [sil["id"]])
            cli = lwtest.cli_json("silence", "list", "--db", st.db, "--format", "json")
            self.assertEqual(cli, listed)
            r = st.get(f"/api/v1/silences/{sil['id']}", method="DELETE")
            self.assertEqual(r.status, 200, r.body)
            self.assertFalse(r.json()["silence"]["active"])
            self.assertEqual(st.get(f"/api/v1/silences/{sil['id']}", method="DELETE").status, 409)
            self.assertEqual(st.get("/api/v1/silences/999", method="DELETE").status, 404)
            r = st.get(f"/api/v1/alerts/{alert_id}/ack", method="POST",
                       data=b'{"comment": "on it"}', headers=json_ct)
            self.assertEqual(r.status, 201, r.body)
            events = st.get(f"/api/v1/alerts/{alert_id}").json()["events"]
            self.assertEqual([(e["kind"], e["message"]) for e in events if e["kind"] == "ack"],
                             [("ack", "on it")])
            r = st.get("/api/v1/alerts/999/ack", method="POST", data=b'{"comment": "x"}',
                       headers=json_ct)
            self.assertEqual(r.status, 404, r.body)
            r = st.get(f"/api/v1/alerts/{alert_id}/ack", method="POST", data=b"{}", headers=json_ct)
            self.assertEqual(r.status, 400, r.body)

            # One audit row per change, newest first; refused and failed requests left none.
            audit = st.get("/api/v1/audit").json()["audit"]
            self.assertEqual([(a["actor"], a["action"], a["target"]) for a in audit],
                             [("token@127.0.0.1", "alert.ack", f"alert {alert_id}"),
                              ("token@127.0.0.1", "silence.expire", f"silence {sil['id']}"),
                              ("token@127.0.0.1", "silence.add", f"silence {sil['id']}")])
            self.assertEqual(audit[0]["detail"], {"comment": "on it"})
            self.assertEqual(audit[2]["detail"]["comment"], "known: month-end")
            self.assertEqual(st.get("/api/v1/audit", headers={"Authorization": "Bearer x"}).status,
                             401)

            # The token is in no answer, no log line and no database row.
            self.assertNotIn(TOKEN, json.dumps(audit))
            st.daemon.terminate()
            self.assertNotIn(TOKEN, st.daemon.log())
            dump = "\n".join(sqlite3.connect(st.db).iterdump())
            self.assertNotIn(TOKEN, dump)
            self.assertIn("token@127.0.0.1", dump)

    def test_writes_refused_beyond_loopback_without_a_token(self):
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp, listen_host="0.0.0.0")
            st.wait_ready()
            r = st.get("/api/v1/silences", method="POST",
                       data=b'{"rule": "sofr_above_4_30", "for": "2h"}',
                       headers={"Content-Type": "application/json"})
            self.assertEqual(r.status, 403, r.body)
            self.assertEqual(r.json()["error"]["message"],
                             "write endpoints are off: the API listens beyond loopback without "
                             "api.token; set api.token (then send Authorization: Bearer TOKEN) or "
                             "listen on 127.0.0.1")
            self.assertEqual(st.get("/api/v1/silences/1", method="DELETE").status, 403)
            self.assertEqual(st.get("/api/v1/alerts/1/ack", method="POST", data=b"{}",
                                    headers={"Content-Type": "application/json"}).status, 403)
            # Reads still answer; nothing was written.
            self.assertEqual(st.get("/api/v1/silences").json(), {"silences": []})
            self.assertEqual(lwtest.db_query(st.db, "SELECT count(*) AS n FROM audit")[0]["n"], 0)
            self.assertIn("event=api_writes_refused", st.daemon.log())


if __name__ == "__main__":
    unittest.main()
