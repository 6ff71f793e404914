"""The console examples the README and docs quote for the shipped config are what the binary
prints: every `check-config --config config/liqwatch.yaml` summary line, the README's count of
shipped series and rules, and the backtest tables and --summary counts (README, docs/rules.md).

Environment: LIQWATCH_BIN (the built binary), LIQWATCH_SOURCE_DIR.
"""
import pathlib
import re
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import lwtest  # noqa: E402

ROOT = lwtest.SOURCE_DIR
SHIPPED = "config/liqwatch.yaml"
DOCS = ["README.md", "docs/configuration.md", "docs/rules.md"]


def run(*args):
    p = lwtest.run_cli(*args, check=True)
    return p.stdout


class DocsExamples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.summary = run("check-config", "--config", str(ROOT / SHIPPED)).strip()
        cls.counts = dict((k, int(n)) for n, k in
                          re.findall(r"(\d+) (sources|series|rules|notifiers)", cls.summary))

    def test_check_config_summaries_match(self):
        expected = self.summary.replace(str(ROOT / SHIPPED), SHIPPED)
        quoted = []
        for doc in DOCS:
            for line in (ROOT / doc).read_text().splitlines():
                if line.startswith(SHIPPED + ": ok:"):
                    quoted.append((doc, line))
                    self.assertEqual(line, expected, doc)
        self.assertTrue(quoted, "no doc quotes the shipped config's check-config summary")

    def test_readme_counts_the_shipped_series_and_rules(self):
        readme = (ROOT / "README.md").read_text()
        m = re.search(r"(\d+) series from FRED, the NY Fed and the Treasury\s+with (\d+) desk rules",
                      readme)
        self.assertIsNotNone(m, "README no longer states the shipped watchlist's size")
        self.assertEqual(int(m.group(1)), self.counts["series"])
        self.assertEqual(int(m.group(2)), self.counts["rules"])

    def test_backtest_tables_match(self):
        # Every quoted run (the transitions and the --summary tables) is what the binary prints.
        for doc, config in [("README.md", SHIPPED), ("docs/rules.md", "config/rules/funding.yaml")]:
            text = (ROOT / doc).read_text()
            cmds = list(re.finditer(r"\$ (?:build/)?liqwatch (backtest --config " + re.escape(config)
                                    + r" [^\n]*)\n(.*?)```", text, re.S))
            self.assertTrue(cmds, f"{doc}: no backtest example for {config}")
            self.assertTrue(any("--summary" in c.group(1) for c in cmds),
                            f"{doc}: no --summary example for {config}")
            for cmd in cmds:
                args = cmd.group(1).split()
                args = [str(ROOT / a) if a in (config, "data/example") else a for a in args]
                self.assertEqual(cmd.group(2), run(*args), (doc, cmd.group(1)))


if __name__ == "__main__":
    unittest.main()
