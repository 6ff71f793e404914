"""GET /api/v1/rules and /api/v1/series/<id> for an expression rule: op and threshold are null
(no single comparison), series is the clock series, expr/crit/clear carry the conditions' text;
a threshold rule keeps op/threshold and has null expr/crit/clear."""
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402


class RulesApi(unittest.TestCase):
    def test_expression_rule_has_no_op_or_threshold(self):
        with lwtest.Scratch(self) as tmp:
            data = lwtest.copy_series(tmp.path / "data", "SOFR", since="2025-10-01")
            lwtest.copy_series(tmp.path / "data", "IORB", since="2025-10-01")
            feed = lwtest.start_feed(tmp, data)
            port = lwtest.free_port()
            cfg = tmp.write("liqwatch.yaml", lwtest.storage_yaml(tmp.path / "ignored.db",
                                                                 log_level=None) + f"""\
sources:
  fred: {{type: fred, base_url: "{feed.base_url}", graph_url: "{feed.base_url}"}}
series:
  - {{id: sofr, source: fred, remote_id: SOFR, unit: percent, interval: 1h}}
  - {{id: iorb, source: fred, remote_id: IORB, unit: percent, interval: 1h}}
derived:
  - {{id: sofr_iorb, expr: sofr - iorb}}
rules:
  - name: sofr_above_iorb
    warn: sofr_iorb >= 15bp
    crit: sofr_iorb >= 25bp
    clear: sofr_iorb < 5bp
    description: SOFR 15bp+ over IORB
""" + lwtest.threshold_rule_yaml("sofr_above_4_30", "4.30"))
            daemon = lwtest.start_daemon(tmp, cfg, tmp.path / "lw.db",
                                         args=("--listen", f"127.0.0.1:{port}"))
            base = f"http://127.0.0.1:{port}"

            def rules():
                daemon.assert_alive()
                try:
                    r = apitest.get(base + "/api/v1/rules", timeout=2)
                except OSError:
                    return None
                return r.status == 200 and json.loads(r.body)["rules"]
            got = {r["name"]: r for r in lwtest.wait_for(rules, 20, "/api/v1/rules",
                                                         on_timeout=daemon.log_tail)}
            e = got["sofr_above_iorb"]
            self.assertIsNone(e["op"])
            self.assertIsNone(e["threshold"])
            self.assertEqual((e["series"], e["expr"], e["crit"], e["clear"]),
                             ("sofr_iorb", "sofr_iorb >= 15bp", "sofr_iorb >= 25bp",
                              "sofr_iorb < 5bp"))
            t = got["sofr_above_4_30"]
            self.assertEqual((t["op"], t["threshold"], t["series"]), (">", 4.3, "sofr"))
            self.assertEqual((t["expr"], t["crit"], t["clear"]), (None, None, None))
            self.assertEqual(daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
