"""liqwatch backtest over the shipped Sep-Dec 2025 example dataset (data/example) with the
default rules (config/rules/funding.yaml): flags the late-October 2025 funding squeeze, stays
quiet in calm weeks, and is deterministic.

Environment: LIQWATCH_BIN (the built binary, required).
"""
import json
import pathlib
import subprocess
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lwtest  # noqa: E402

ROOT = lwtest.SOURCE_DIR
BIN = lwtest.BIN


def backtest(fmt, frm="2025-09-01", to="2025-12-31"):
    r = subprocess.run([BIN, "backtest", "--config", str(ROOT / "config/rules/funding.yaml"),
                        "--data", str(ROOT / "data/example"), "--from", frm, "--to", to,
                        "--format", fmt], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


class BacktestExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.events = json.loads(backtest("json"))

    def firing(self, rule, date):
        return [e for e in self.events if e["rule"] == rule and e["date"] == date
                and e["to"] == "firing"]

    def test_flags_the_october_squeeze(self):
        self.assertTrue(self.firing("sofr_above_iorb", "2025-10-28"))
        # Critical from 10-29: SOFR above the top of the range 3 prints running (10-27..29);
        # 32bp over IORB on 10-31 keeps it there.
        [oct29] = self.firing("sofr_above_iorb", "2025-10-29")
        self.assertEqual((oct29["kind"], oct29["severity"]), ("escalated", "critical"))
        self.assertEqual([e for e in self.events if e["rule"] == "sofr_above_iorb"
                          and e["date"] == "2025-10-31"], [])
        self.assertTrue(self.firing("tga_above_1tn", "2025-10-30"))
        self.assertTrue(self.firing("reserves_below_floor", "2025-10-29"))

    def test_quiet_in_calm_weeks(self):
        for start, end in [("2025-09-22", "2025-09-30"), ("2025-11-10", "2025-11-19"),
                           ("2025-12-15", "2025-12-23")]:
            fired = [e for e in self.events if start <= e["date"] <= end
                     and e["kind"] in ("firing", "escalated", "reminder")]
            self.assertEqual(fired, [], f"{start}..{end}")

    def test_noise_budget_and_the_october_episode(self):
        # The desk's budget: a calm month opens at most 2 alerts over all the default rules.
        # September and December 2025 are calm (tax date, quarter- and year-end are routine);
        # October holds the funding squeeze and the 10-10 risk-off week, November the early-Nov
        # credit sell-off, VIX 26 on 11-20 and SOFR above the target range from 11-25 (the Fed
        # ended QT on 12-01), so neither is held to the budget.
        r = run_backtest("--summary", "--format", "json", "--from", "2025-09-01", "--to",
                         "2025-12-31", data=ROOT / "data/example")
        self.assertEqual(r.returncode, 0, r.stderr)
        rules = json.loads(r.stdout)["rules"]
        for month in ("2025-09", "2025-12"):
            opened = {x["rule"]: x["alerts"][month] for x in rules if x["alerts"][month]}
            self.assertLessEqual(sum(opened.values()), 2, (month, opened))
        # Every rule with data in data/example opens at least once over the four months (the
        # credit rules used to stay silent), except the drain one: the cushion was already
        # gone in September 2025.
        silent = sorted(x["rule"] for x in rules if x["total"] == 0)
        self.assertEqual(silent, ["ccc_oas_widening", "rrp_cushion_drained",
                                  "sofr_p99_above_iorb", "srf_takeup", "stale_feed"])
        # The late-October 2025 squeeze, rule by rule, on the day each print showed it and at
        # the time the desk could have known it: the alert goes out when the last input's print
        # for that date is published (SOFR 08:00 ET D+1, with IORB and the target range known
        # ahead: they move only the day after an FOMC decision; H.4.1 Thursday 16:30 ET; ON RRP
        # 13:30 ET the same day; DTS 16:00 ET D+1).
        for rule, date, sent in [
                ("sofr_above_iorb", "2025-10-28", "2025-10-29 08:00 ET"),
                ("sofr_above_iorb", "2025-10-29", "2025-10-30 08:00 ET"),  # above the top
                ("reserves_below_floor", "2025-10-29", "2025-10-30 16:30 ET"),
                ("net_liquidity_falling", "2025-10-29", "2025-10-30 16:30 ET"),
                ("tga_above_1tn", "2025-10-30", "2025-10-31 16:00 ET"),
                ("rrp_spike", "2025-10-31", "2025-10-31 13:30 ET"),
                ("credit_widening", "2025-10-10", "2025-10-14 10:00 ET")]:  # after Columbus Day
            got = self.firing(rule, date)
            self.assertTrue(got, (rule, date))
            self.assertEqual(got[0]["sent_et"], sent, (rule, date))

    def test_fanned_out_rule_reports_each_instance(self):
        # stale_feed has one instance per feed, judged on each feed's release calendar: every
        # print of data/example came out on its calendar, so no instance ever fires. Remove
        # the TGA's 2025-11-04 print and its instance alone fires, when that print was due
        # (16:00 ET 11-05) plus its hour of grace.
        self.assertEqual([e for e in self.events if e["rule"] == "stale_feed"], [])
        self.assertTrue(all(e["labels"] == "" for e in self.events if e["rule"] != "stale_feed"))
        with lwtest.Scratch(self) as tmp:
            data = tmp.path / "data"
            data.mkdir()
            for f in (ROOT / "data/example").glob("*.csv"):
                text = f.read_text()
                if f.name == "tga.csv":
                    text = "".join(l for l in text.splitlines(True)
                                   if not l.startswith("2025-11-04,"))
                (data / f.name).write_text(text)
            r = run_backtest("--from", "2025-11-03", "--to", "2025-11-07", data=data)
            self.assertEqual(r.returncode, 0, r.stderr)
            [line] = [l for l in r.stdout.splitlines() if "stale_feed" in l and "-> firing" in l]
            self.assertRegex(line, r"^2025-11-03  2025-11-05 17:00  stale_feed\{series=tga\}\s+"
                                   r"inactive -> firing\s+warning")
            self.assertIn("tga for 2025-11-04 not published by 17:00 ET on 2025-11-05", line)

    def test_json_keys_are_stable(self):
        self.assertEqual(sorted(self.events[0].keys()),
                         ["date", "from", "kind", "labels", "message", "rule", "sent_at",
                          "sent_et", "series", "severity", "to", "value"])

    def test_deterministic_and_table_output(self):
        self.assertEqual(backtest("json"), backtest("json"))
        table = backtest("table")
        self.assertIn("2025-10-30  2025-10-31 16:00  tga_above_1tn", table)
        self.assertIn("transitions, 2025-09-01..2025-12-31", table)

    def test_messages_state_what_holds(self):
        def message(rule, date):
            [e] = [e for e in self.events if e["rule"] == rule and e["date"] == date]
            return e["message"]
        # warn+crit with a clear condition resolves through it, not "0.01% >= 0.25%".
        self.assertTrue(message("sofr_above_iorb", "2025-11-05")
                        .startswith("sofr_iorb = 1bp (sofr 3.91%, iorb 3.90%) < 10bp: "))
        # A rule with `clear` resolves through it.
        self.assertTrue(message("rrp_spike", "2025-11-04")
                        .startswith("rrp = $17.0bn < $20.0bn: "))
        # Its critical level "above the top of the range 3 prints running" explains itself.
        [esc] = [e for e in self.events if e["rule"] == "sofr_above_iorb"
                 and e["date"] == "2025-10-29"]
        self.assertTrue(esc["message"].startswith("min(sofr_top, 3) = 0.02% > 0.00%: "))

    def test_table_names_the_kind_of_a_firing_to_firing_transition(self):
        lines = backtest("table", "2025-10-20", "2025-11-07").splitlines()
        [esc] = [l for l in lines if l.startswith("2025-10-29  2025-10-30 08:00  sofr_above_iorb")]
        self.assertIn(" firing -> firing (escalated)  critical ", esc)
        [opened] = [l for l in lines if l.startswith("2025-10-28  2025-10-29 08:00  sofr_above_iorb")]
        self.assertIn(" inactive -> firing  ", opened)  # the states say it all: no kind
        # Columns stay aligned: SEVERITY starts at the same offset on every row.
        col = lines[0].index("SEVERITY")
        for l in lines[1:-1]:
            self.assertRegex(l[col:], r"^(info|warning|critical) ", l)

    def test_bad_arguments_exit_2(self):
        r = subprocess.run([BIN, "backtest", "--config", str(ROOT / "config/rules/funding.yaml"),
                            "--from", "yesterday", "--to", "2025-12-31", "--data",
                            str(ROOT / "data/example")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)


def run_backtest(*args, data=None):
    cmd = [BIN, "backtest", "--config", str(ROOT / "config/rules/funding.yaml")]
    if data is not None:
        cmd += ["--data", str(data)]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60)


class BacktestHonesty(unittest.TestCase):
    """A replay that cannot see its data says so instead of printing a quiet timeline."""

    def test_missing_data_folder_is_an_error(self):
        r = run_backtest("--from", "2025-10-01", "--to", "2025-10-31",
                         data=ROOT / "data" / "exmple")
        self.assertEqual(r.returncode, 2)
        self.assertIn("liqwatch backtest: data folder ", r.stderr)
        self.assertIn("data/exmple does not exist", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_reversed_range_is_an_error(self):
        r = run_backtest("--from", "2025-11-07", "--to", "2025-10-20", data=ROOT / "data/example")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--from 2025-11-07 is after --to 2025-10-20", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_missing_series_file_names_the_rules_it_blinds(self):
        with lwtest.Scratch(self) as tmp:
            data = tmp.path / "data"
            data.mkdir()
            for f in (ROOT / "data/example").glob("*.csv"):
                if f.name != "sofr.csv":
                    (data / f.name).write_bytes(f.read_bytes())
            r = run_backtest("--from", "2025-10-20", "--to", "2025-11-07", data=data)
            self.assertEqual(r.returncode, 0, r.stderr)
            [line] = [l for l in r.stderr.splitlines() if "/sofr.csv" in l]
            self.assertIn("warning: no ", line)
            self.assertIn("sofr_above_iorb", line)        # through the derived sofr_iorb
            self.assertIn("stale_feed", line)             # late(sofr)
            self.assertNotIn("reserves_below_floor", line)
            self.assertNotIn("sofr_above_iorb", r.stdout)  # blind, so silent: hence the warning
            strict = run_backtest("--strict", "--from", "2025-10-20", "--to", "2025-11-07",
                                  data=data)
            self.assertEqual(strict.returncode, 2)
            self.assertIn("error: no ", strict.stderr)
            self.assertEqual(strict.stdout, "")

    def test_summary_counts_alerts_per_rule_per_month(self):
        events = json.loads(backtest("json", "2025-09-01", "2025-12-31"))
        r = run_backtest("--summary", "--format", "json", "--from", "2025-09-01", "--to",
                         "2025-12-31", data=ROOT / "data/example")
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = json.loads(r.stdout)
        rules = {x["rule"]: x for x in summary["rules"]}
        self.assertIn("sofr_above_iorb", rules)
        self.assertEqual(sorted(rules["sofr_above_iorb"]["alerts"]),
                         ["2025-09", "2025-10", "2025-11", "2025-12"])
        for name, row in rules.items():
            for month, n in row["alerts"].items():
                expected = len([e for e in events if e["rule"] == name and e["to"] == "firing"
                                and e["from"] != "firing" and e["date"].startswith(month)])
                self.assertEqual(n, expected, (name, month))
            self.assertEqual(row["total"], sum(row["alerts"].values()))
        # 2025-10-16 (15bp, resolved the next day) and the squeeze from 2025-10-28.
        self.assertEqual(rules["sofr_above_iorb"]["alerts"]["2025-10"], 2)
        table = run_backtest("--summary", "--from", "2025-10-01", "--to", "2025-11-30",
                             data=ROOT / "data/example")
        self.assertEqual(table.returncode, 0, table.stderr)
        lines = table.stdout.splitlines()
        self.assertRegex(lines[0], r"^RULE\s+2025-10\s+2025-11\s+TOTAL$")
        [row] = [l for l in lines if l.startswith("sofr_above_iorb ")]
        self.assertEqual(row.split()[1:], ["2", "1", "3"])
        self.assertRegex(lines[-1], r"^\d+ alerts opened by \d+ rules, 2025-10-01..2025-11-30$")


if __name__ == "__main__":
    unittest.main()
