"""GET /metrics on a live daemon (after one alert episode) passes `promtool check metrics` and
carries the families docs/api.md promises: polls, errors, fetch latency histogram, outbox
depth, deliveries by status, and the latest value and age of every series."""

import shutil
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


class Metrics(unittest.TestCase):
    def test_metrics_pass_promtool(self):
        if not Path(PROMTOOL).exists():
            self.skipTest("promtool not installed (Debian package prometheus)")
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.run_episode()
            r = st.get("/metrics")
            self.assertEqual(r.status, 200)
            self.assertTrue(r.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
            text = r.body.decode()
            (tmp.path / "metrics.txt").write_text(text)
            tmp.keep(tmp.path / "metrics.txt")
            p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(p.stdout.strip() + p.stderr.strip(), "", "promtool lint warnings")
            samples = lwtest.metric_samples(text)
            self.assertGreaterEqual(samples['liqwatch_polls_total{source="fred",series="sofr"}'], 2)
            self.assertEqual(samples['liqwatch_poll_errors_total{source="fred",series="sofr"}'], 0)
            self.assertGreaterEqual(
                samples['liqwatch_fetch_duration_seconds_count{source="fred"}'], 2)
            self.assertIn('liqwatch_fetch_duration_seconds_bucket{source="fred",le="+Inf"}', samples)
            self.assertEqual(samples["liqwatch_outbox_depth"], 0)
            self.assertEqual(samples['liqwatch_deliveries{status="delivered"}'], 2)
            self.assertEqual(samples['liqwatch_deliveries{status="dead"}'], 0)
            self.assertAlmostEqual(samples['liqwatch_series_value{series="sofr",unit="percent"}'],
                                   4.27)
            self.assertIn('liqwatch_series_age_seconds{series="sofr"}', samples)
            # FRED's SOFR copy has a built-in release calendar; the fixture's 2025 prints are long
            # past due at the daemon's wall clock, so the series is late.
            self.assertEqual(samples['liqwatch_series_late{series="sofr"}'], 1)
            self.assertIn('liqwatch_series_value{series="iorb",unit="percent"}', samples)
            self.assertEqual(samples['liqwatch_rule_firing{rule="sofr_above_4_30",labels="",series="sofr",'
                                     'severity="critical"}'], 0)
            self.assertGreaterEqual(samples['liqwatch_http_requests_total{code="200"}'], 1)
            self.assertEqual(st.daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
