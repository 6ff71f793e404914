"""Crash loop (issue 12): the daemon SIGKILLed at random moments under a storm feed whose values
fire and resolve all four rules (two expression rules, two threshold rules) on every date,
delivering to a webhook receiver that fails (500) and stalls at random; then a drain. Asserts 0
events lost, one Idempotency-Key per event, PRAGMA integrity_check = ok, and that the
transitions recorded live equal `liqwatch backtest` over the same stored data (threshold rules
included). 20 kills here; scripts/crashloop.sh N for long runs (same driver,
tests/e2e/crashloop.py).

Environment: LIQWATCH_BIN (the built binary).
"""
import io
import contextlib
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import crashloop  # noqa: E402


class CrashLoop(unittest.TestCase):
    def test_kills_lose_nothing_and_live_equals_replay(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = crashloop.main(["crash", "--kills", "20", "--seed", "12", "--max-up", "2.5"])
        print(out.getvalue())  # the figures, in the ctest log
        text = out.getvalue()
        self.assertIn("kills               20", text)
        self.assertIn("lost                0", text)
        self.assertIn("mismatches          0", text)
        self.assertIn("integrity           ok", text)
        self.assertEqual(rc, 0, text)


if __name__ == "__main__":
    unittest.main()
