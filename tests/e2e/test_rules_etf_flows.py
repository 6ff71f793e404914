"""The ETF-flow rule pack and flows from share counts through the real `liqwatch test-rules`:
config/rules/etf-flows_test.yaml (ICI's real Feb-2024 weekly issuance, a synthetic bitcoin ETF
outflow episode, 26-week highs) and tests/testdata/rules/share_flows.yaml (change(shares, 1) *
nav as a fund's flow, agreeing with Farside's column; a basket of two funds).

Environment: LIQWATCH_BIN (the built binary).
"""
import subprocess
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402

ROOT = lwtest.SOURCE_DIR


def test_rules(*files):
    return subprocess.run([lwtest.BIN, "test-rules", *[str(f) for f in files]],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


class EtfFlowRules(unittest.TestCase):
    def test_shipped_etf_flow_rule_tests_pass(self):
        r = test_rules("config/rules/etf-flows_test.yaml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("etf-flows_test.yaml: 3 tests, 0 failed", r.stdout)

    def test_flows_from_share_counts_agree_with_the_flow_page(self):
        r = test_rules(ROOT / "tests/testdata/rules/share_flows.yaml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("share_flows.yaml: 2 tests, 0 failed", r.stdout)

    def test_the_pack_passes_check_config(self):
        r = lwtest.run_cli("check-config", "--config", ROOT / "config/rules/etf-flows.yaml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_a_bare_flow_threshold_is_refused_with_its_place(self):
        with lwtest.Scratch(self) as tmp:
            text = (ROOT / "config/examples/etf-flows.yaml").read_text()
            self.assertIn("threshold: -500mn", text)
            cfg = tmp.write("etf.yaml", text.replace("threshold: -500mn ", "threshold: -500   "))
            line = next(i for i, l in enumerate(cfg.read_text().splitlines(), 1)
                        if "threshold: -500 " in l)
            r = lwtest.run_cli("check-config", "--config", cfg)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(f"etf.yaml:{line}:16: rules[0].threshold: '-500' is ambiguous: series "
                          "'btc_etf_total' is published in usd_mn but a threshold is compared in "
                          "usd_bn (-500 would mean -$500.0bn); write the unit: -500mn (usd_mn as "
                          "published) or -500bn", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
