"""The dashboard (GET /) in headless Chromium against a live daemon after one alert episode:
the page reports render status "ok", draws one SVG chart per series with the rule thresholds
and an opened and a resolved marker on SOFR, lists the alert and the source health, and the
browser console shows no errors. A screenshot is kept under $LIQWATCH_ARTIFACTS."""

import re
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import apitest  # noqa: E402
import lwtest  # noqa: E402


class Dashboard(unittest.TestCase):
    def test_dashboard_renders_charts_without_console_errors(self):
        if not Path(lwtest.CHROMIUM).exists():
            self.skipTest("chromium not installed")
        with lwtest.Scratch(self) as tmp:
            st = apitest.Stack(tmp)
            st.run_episode()
            page = st.get("/")
            self.assertEqual(page.status, 200)
            self.assertIn(b"app.js", page.body)
            for asset in ["app.js", "style.css"]:
                self.assertEqual(st.get("/" + asset).status, 200, asset)

            p = lwtest.chromium("--dump-dom", st.base + "/")
            dom = p.stdout
            (tmp.path / "dashboard.html").write_text(dom)
            (tmp.path / "chromium.log").write_text(p.stderr)
            tmp.keep(tmp.path / "dashboard.html", tmp.path / "chromium.log")
            self.assertIn('data-render-status="ok"', dom, p.stderr[-3000:])
            self.assertIn('data-charts="2"', dom)
            self.assertEqual(len(re.findall(r'<div class="chart" data-series=', dom)), 2)
            sofr = dom[dom.index('data-series="sofr"'):]
            sofr = sofr[:sofr.index("</svg>")]
            self.assertEqual(len(re.findall(r'class="threshold"', sofr)), 2, "two rule lines")
            self.assertIn('class="marker opened"', sofr)
            self.assertIn('class="marker resolved"', sofr)
            self.assertIn("sofr_above_4_30", dom)  # alerts table
            self.assertIn("iorb", dom)
            console = [l for l in p.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
            self.assertEqual(console, [], "console messages")

            shot = tmp.path / "dashboard.png"
            p = lwtest.chromium(f"--screenshot={shot}", "--window-size=1280,1400", st.base + "/")
            self.assertTrue(shot.exists() and shot.stat().st_size > 10000, p.stderr[-2000:])
            tmp.keep(shot)
            self.assertEqual(st.daemon.terminate(), 0)


if __name__ == "__main__":
    unittest.main()
