"""liqwatch test-rules through the real binary: passing, failing and malformed rule test files
(tests/testdata/rules/) and the shipped example for the default rules
(config/rules/funding_test.yaml).

Environment: LIQWATCH_BIN (the built binary).
"""
import os
import pathlib
import re
import subprocess
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lwtest  # noqa: E402

ROOT = lwtest.SOURCE_DIR
BIN = lwtest.BIN
DATA = ROOT / "tests/testdata/rules"


def test_rules(*files):
    return subprocess.run([BIN, "test-rules", *[str(f) for f in files]], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


class TestRules(unittest.TestCase):
    def test_passing_file_exits_0(self):
        r = test_rules(DATA / "pass.yaml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("pass.yaml: 3 tests, 0 failed", r.stdout)
        self.assertIn("PASS", r.stdout)

    def test_shipped_example_for_the_default_rules_passes(self):
        r = test_rules("config/rules/funding_test.yaml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("funding_test.yaml: 19 tests, 0 failed", r.stdout)

    def test_shipped_example_proves_every_default_rule(self):
        # Every rule of config/rules/funding.yaml has, in the shipped test file, a test that
        # fires it, one that resolves it and a calm test (all rules, or that rule) that expects
        # nothing; data/example holds only real observations, so synthetic tests say so.
        text = (ROOT / "config/rules/funding_test.yaml").read_text()
        rules = re.findall(r"^  - name: (\w+)$",
                           (ROOT / "config/rules/funding.yaml").read_text(), flags=re.M)
        self.assertGreaterEqual(len(rules), 13)
        tests = re.split(r"^  - name: ", text, flags=re.M)[1:]
        for rule in rules:
            fired = [t for t in tests if re.search(
                rf"rule: {rule},.*transition: \w+ -> firing", t)]
            resolved = [t for t in tests if re.search(
                rf"rule: {rule},.*transition: firing -> resolved", t)]
            calm = [t for t in tests if "expect: []" in t and (
                "\n    rules:" not in t or re.search(rf"rules: \[[^]]*\b{rule}\b", t))]
            self.assertTrue(fired, f"{rule}: no test fires it")
            self.assertTrue(resolved, f"{rule}: no test resolves it")
            self.assertTrue(calm, f"{rule}: no calm test")
        for t in tests:
            title = t.splitlines()[0]
            self.assertRegex(title, r'^"(real|SYNTHETIC): ', title)
            if title.startswith('"real: '):
                self.assertIn("data: ../../data/example", t, title)

    def test_failing_file_exits_1_with_a_diff(self):
        r = test_rules(DATA / "fail.yaml")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        self.assertRegex(lines[0], r"fail\.yaml:5:5: FAIL: test 'end of October 2025' "
                                   r"\(2025-10-27\.\.2025-10-31\): 2 expected transitions "
                                   r"missing \(-\), 1 unexpected \(\+\)")
        diff = [" ".join(l.split()) for l in lines[1:6]]
        self.assertEqual(diff, [
            "+ 2025-10-29 reserves_below_floor inactive -> firing critical $2.848tn "
            "reserves = $2.848tn < $2.850tn",
            "- 2025-10-29 reserves_below_floor inactive -> firing warning",
            "2025-10-30 tga_above_1tn inactive -> firing warning",
            "- 2025-10-31 reserves_below_floor firing -> resolved critical",
            "2025-10-31 tga_above_1tn firing -> resolved warning",
        ])
        self.assertIn("fail.yaml: 1 test, 1 failed", r.stdout)

    def test_unexpected_transitions_show_the_condition_that_holds(self):
        r = test_rules(DATA / "fail_messages.yaml")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        plus = [" ".join(l.split()) for l in r.stdout.splitlines() if l.lstrip().startswith("+")]
        self.assertIn("+ 2025-10-29 sofr_above_4_3 firing -> resolved warning 4.27% "
                      "sofr = 4.27% <= 4.30%", plus)
        # Resolved through the clear condition, which holds.
        self.assertIn("+ 2025-11-05 sofr_above_iorb firing -> resolved warning 1bp "
                      "sofr_iorb = 1bp (sofr 3.91%, iorb 3.90%) < 5bp", plus)
        # A NoData reason holds ": " itself; only the rule's description is cut off. The
        # derived series' gap names the stale input.
        self.assertIn("+ 2025-10-27 sofr_above_iorb inactive -> no_data warning no value "
                      "sofr_iorb: no value on 2025-10-27: iorb: no observation within 7d of "
                      "2025-10-27 (latest 2025-10-01)", plus)

    def test_any_failure_fails_the_run(self):
        r = test_rules(DATA / "pass.yaml", DATA / "fail.yaml")
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("PASS\n", r.stdout)

    def test_malformed_file_exits_2_with_position(self):
        r = test_rules(DATA / "bad_transition.yaml")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         f"{DATA / 'bad_transition.yaml'}:6:68: tests[0].expect[0].transition: "
                         "expected 'FROM -> TO' with states inactive, pending, firing, resolved, "
                         "no_data; got 'inactive => firing'")

    def test_inline_config_errors_point_into_the_test_file(self):
        r = test_rules(DATA / "bad_inline_config.yaml")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         f"{DATA / 'bad_inline_config.yaml'}:8:13: rules[0].expr: unknown "
                         "series 'sofrr' (did you mean 'sofr'?)")

    def test_malformed_wins_over_failed(self):
        r = test_rules(DATA / "fail.yaml", DATA / "bad_transition.yaml")
        self.assertEqual(r.returncode, 2)

    def test_unknown_key_and_missing_file(self):
        bad = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"lw_rules_{os.getpid()}.yaml"
        bad.write_text("config: nope.yaml\ntests: []\n")
        try:
            r = test_rules(bad)
            self.assertEqual(r.returncode, 2)
            self.assertIn(f"{bad}:1:9: config: cannot read '{bad.parent / 'nope.yaml'}'", r.stderr)
            bad.write_text("config: x.yaml\ntests: []\nexpected: []\n")
            r = test_rules(bad)
            self.assertEqual(r.returncode, 2)
            self.assertIn(f"{bad}:3:1:", r.stderr)
        finally:
            bad.unlink()


if __name__ == "__main__":
    unittest.main()
