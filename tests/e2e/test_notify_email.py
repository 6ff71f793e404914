"""Email over SMTP through libcurl, end to end, against a real SMTP server on loopback.

The server is aiosmtpd (Debian's python3-aiosmtpd) in this process: it checks AUTH
(LOGIN/PLAIN) against a user and password and records every accepted message with its
envelope. Three notifiers, one per transport:
  plain     smtp://, STARTTLS off, AUTH, two recipients;
  starttls  smtp:// with STARTTLS required (self-signed certificate, trusted via ca_file);
  smtps     smtps:// implicit TLS, password as a systemd credential (${cred:}).
The test parses each message with Python's email package and checks Date, Message-ID (stable:
derived from the delivery's Idempotency-Key), Subject, From/To, and both the text/plain and
the text/html parts of the multipart/alternative body. The SMTP password never appears in
the log or the database. A wrong password is a permanent failure (dead-lettered).
"""

import email
import email.policy
import email.utils
import shutil
import ssl
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lwtest  # noqa: E402
import notify_sinks as ns  # noqa: E402

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:  # scripts/test.sh installs python3-aiosmtpd
    Controller = None

SMTP_USER = "liqwatch-alerts"
SMTP_PASSWORD = "smtp-P4ss-8e1d77"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
          and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


def self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class EmailNotifier(unittest.TestCase):
    def test_smtp_starttls_smtps_headers_and_parts(self):
        with lwtest.Scratch(self) as tmp:
            cert, key = self_signed(tmp.path)
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(cert, key)
            rec = {k: ns.SmtpRecorder() for k in ("plain", "starttls", "smtps")}
            ports = {k: lwtest.free_port() for k in rec}
            servers = [
                Controller(rec["plain"], hostname="127.0.0.1", port=ports["plain"],
                           authenticator=authenticator, auth_require_tls=False),
                Controller(rec["starttls"], hostname="127.0.0.1", port=ports["starttls"],
                           authenticator=authenticator, tls_context=ctx, require_starttls=True),
                Controller(rec["smtps"], hostname="127.0.0.1", port=ports["smtps"],
                           authenticator=authenticator, ssl_context=ctx),
            ]
            for s in servers:
                s.start()
            try:
                self._run(tmp, rec, ports, cert)
            finally:
                for s in servers:
                    s.stop()

    def _run(self, tmp, rec, ports, cert):
        feed = lwtest.start_sofr_feed(tmp)
        db = tmp.path / "lw.db"
        pw_file = tmp.write("smtp.pass", SMTP_PASSWORD + "\n")
        # The smtps notifier reads it as a systemd credential ($CREDENTIALS_DIRECTORY).
        creds = tmp.path / "creds"
        creds.mkdir()
        (creds / "smtp-password").write_text(SMTP_PASSWORD + "\n")
        auth = {"from_": '"liqwatch alerts <alerts@liqwatch.example>"', "username": SMTP_USER,
                "password": f"${{file:{pw_file}}}", "timeout": "10s"}
        notifiers = (
            lwtest.mapping_entry_yaml(
                "plain", type="email", url=f"smtp://127.0.0.1:{ports['plain']}",
                starttls='"off"', to='[desk@liqwatch.example, "Risk Team <risk@liqwatch.example>"]',
                **auth)
            + lwtest.mapping_entry_yaml(
                "starttls", type="email", url=f"smtp://127.0.0.1:{ports['starttls']}",
                starttls="required", ca_file=cert, to="[desk@liqwatch.example]", **auth)
            + lwtest.mapping_entry_yaml(
                "smtps", type="email", url=f"smtps://127.0.0.1:{ports['smtps']}", ca_file=cert,
                to="[desk@liqwatch.example]", **{**auth, "password": "${cred:smtp-password}"}))
        cfg = tmp.write("liqwatch.yaml", ns.config(db, feed.base_url, notifiers))
        daemon = lwtest.start_daemon(tmp, cfg, db, env={"CREDENTIALS_DIRECTORY": str(creds)})
        lwtest.wait_observation(daemon, db, "sofr", "2025-10-27")
        t0 = time.time()
        feed.until("SOFR", "2025-10-28")
        msgs = {k: r.wait(1, 30, on_timeout=daemon.log_tail) for k, r in rec.items()}

        mail_from, rcpts, raw = msgs["plain"][0]
        self.assertEqual(mail_from, "alerts@liqwatch.example")
        self.assertEqual(sorted(rcpts), ["desk@liqwatch.example", "risk@liqwatch.example"])
        m = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(m["From"], "liqwatch alerts <alerts@liqwatch.example>")
        self.assertIn("risk@liqwatch.example", m["To"])
        self.assertIn("desk@liqwatch.example", m["To"])
        self.assertIn("[CRITICAL] sofr_above_4_30 firing", m["Subject"])
        self.assertIn("4.31%", m["Subject"])
        sent = email.utils.parsedate_to_datetime(m["Date"])
        self.assertIsNotNone(sent.tzinfo)
        self.assertLess(abs(sent.timestamp() - t0), 120)
        self.assertRegex(m["Message-ID"], r"^<[0-9a-f]{32}\.liqwatch@liqwatch\.example>$")
        key = m["X-Liqwatch-Idempotency-Key"]
        self.assertIn(key, m["Message-ID"])
        self.assertEqual(m.get_content_type(), "multipart/alternative")
        parts = {p.get_content_type(): p.get_content() for p in m.iter_parts()}
        self.assertEqual(set(parts), {"text/plain", "text/html"})
        text, html = parts["text/plain"], parts["text/html"]
        for needle in ("sofr_above_4_30", "4.31%", "> 4.30%", "2025-10-28",
                       "SOFR above 4.30% (funding squeeze)",
                       "https://fred.stlouisfed.org/series/SOFR"):
            self.assertIn(needle, text)
        self.assertIn('<a href="https://fred.stlouisfed.org/series/SOFR">', html)
        self.assertIn("&gt; 4.30%", html)
        self.assertIn("<table>", html)

        for k in ("starttls", "smtps"):
            mm = email.message_from_bytes(msgs[k][0][2], policy=email.policy.default)
            self.assertIn("sofr_above_4_30", mm["Subject"])
            self.assertEqual(mm.get_content_type(), "multipart/alternative")
            # The key is the event's, so every channel (and every node) gives the same event
            # the same Message-ID: a mailbox reached through two notifiers shows it once.
            self.assertEqual(mm["Message-ID"], m["Message-ID"])

        # Resolution reaches every server too.
        feed.until("SOFR", "2025-10-29")
        for k, r in rec.items():
            msgs = r.wait(2, 30, on_timeout=daemon.log_tail)
            mm = email.message_from_bytes(msgs[1][2], policy=email.policy.default)
            self.assertIn("[RESOLVED]", mm["Subject"])
        rows = lwtest.db_query(db, "SELECT notifier, status FROM deliveries")
        self.assertTrue(all(r["status"] == "delivered" for r in rows), [dict(r) for r in rows])
        self.assertEqual(daemon.terminate(), 0)
        self.assertNotIn(SMTP_PASSWORD, daemon.log())
        self.assertNotIn(SMTP_PASSWORD, ns.db_dump(db))

    def test_mime_parts_decode_back(self):
        """libcurl's MIME API writes the body: non-ASCII text, lines longer than 76 characters
        and a line starting with a dot (SMTP's end-of-data marker) come back as sent; the
        non-ASCII subject (the summary cut to 80 characters ends in an ellipsis) and From
        display name are RFC 2047-encoded by liqwatch and decode back."""
        long_line = "Liquidité " + " ".join(f"w{i:03d}" for i in range(40))  # ~170 characters
        template = ("Résumé: {{summary}}\\n" + long_line + "\\n.\\n.dot-led line\\n"
                    "€ {{value}} ≥ {{threshold}}")
        rule = lwtest.threshold_rule_yaml("sofr_above_the_policy_corridor_ceiling_for_a_while",
                                          "4.30", severity="critical")
        with lwtest.Scratch(self) as tmp:
            rec = ns.SmtpRecorder()
            port = lwtest.free_port()
            server = Controller(rec, hostname="127.0.0.1", port=port)
            server.start()
            try:
                feed = lwtest.start_sofr_feed(tmp, until="2025-10-28")
                db = tmp.path / "lw.db"
                cfg = tmp.write("liqwatch.yaml", ns.config(
                    db, feed.base_url, lwtest.mapping_entry_yaml(
                        "mail", type="email", url=f"smtp://127.0.0.1:{port}", starttls='"off"',
                        from_='"Liquidität Wächter <alerts@liqwatch.example>"',
                        to="[desk@liqwatch.example]", template=f'"{template}"'), rules=rule))
                daemon = lwtest.start_daemon(tmp, cfg, db)
                raw = rec.wait(1, 30, on_timeout=daemon.log_tail)[0][2]
                self.assertEqual(daemon.terminate(), 0)
            finally:
                server.stop()
        self.assertTrue(raw.isascii(), "8-bit bytes on the wire")
        self.assertTrue(all(len(line) <= 998 for line in raw.split(b"\r\n")), raw)  # RFC 5322
        m = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertEqual(m.get_content_type(), "multipart/alternative")
        self.assertEqual(m["From"].addresses[0].display_name, "Liquidität Wächter")
        self.assertEqual(m["From"].addresses[0].addr_spec, "alerts@liqwatch.example")
        subject = str(m["Subject"])
        self.assertTrue(subject.startswith("[CRITICAL] sofr_above_the_policy_corridor_ceiling"),
                        subject)
        self.assertTrue(subject.endswith("…"), subject)
        self.assertEqual(len(subject), 80)
        parts = {p.get_content_type(): p for p in m.iter_parts()}
        self.assertEqual(set(parts), {"text/plain", "text/html"})
        for p in parts.values():
            self.assertEqual(p["Content-Transfer-Encoding"], "quoted-printable")
            self.assertEqual(p.get_content_charset(), "utf-8")
            encoded = p.get_payload(decode=False)
            self.assertTrue(all(len(line) <= 76 for line in encoded.splitlines()), encoded)
        text = parts["text/plain"].get_content()
        self.assertEqual(text.splitlines(), [
            f"Résumé: {subject}", long_line, ".", ".dot-led line", "€ 4.31% ≥ > 4.30%"])
        html = parts["text/html"].get_content().replace("\r\n", "\n")
        self.assertIn(f"<pre>Résumé: {subject}\n{long_line}\n.\n.dot-led line\n"
                      "€ 4.31% ≥ &gt; 4.30%</pre>", html)

    def test_wrong_password_is_dead_lettered(self):
        with lwtest.Scratch(self) as tmp:
            rec = ns.SmtpRecorder()
            port = lwtest.free_port()
            server = Controller(rec, hostname="127.0.0.1", port=port,
                                authenticator=authenticator, auth_require_tls=False)
            server.start()
            try:
                feed = lwtest.start_sofr_feed(tmp, until="2025-10-28")
                db = tmp.path / "lw.db"
                cfg = tmp.write("liqwatch.yaml", ns.config(
                    db, feed.base_url, ns.plain_smtp_notifier_yaml(
                        "mail", port, username=SMTP_USER, password="${env:LW_BAD_PASS}")))
                daemon = lwtest.start_daemon(tmp, cfg, db, env={"LW_BAD_PASS": "wr0ng-pw-91"})
                rows = lwtest.wait_delivery(daemon, db, "dead", 30)
                self.assertEqual(rows[0]["attempts"], 1)
                self.assertIn("email mail", rows[0]["last_error"])
                self.assertEqual(rec.messages, [])
                self.assertEqual(daemon.terminate(), 0)
                self.assertNotIn("wr0ng-pw-91", daemon.log())
                self.assertNotIn("wr0ng-pw-91", ns.db_dump(db))
            finally:
                server.stop()


if __name__ == "__main__":
    unittest.main()
