-- liqwatch schema v8: an audit row per change made through the HTTP API or the CLI (silence
-- added or expired, alert acknowledged): who (the token's holder or the local user, with the
-- remote address; never the token), what, to which object, and when.
CREATE TABLE audit (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,  -- UTC ISO-8601
  actor   TEXT NOT NULL,  -- "token@ADDR", "loopback@ADDR", "cli:USER"
  action  TEXT NOT NULL,  -- silence.add, silence.expire, alert.ack
  target  TEXT NOT NULL,  -- "silence 12", "alert 7"
  detail  TEXT NOT NULL DEFAULT ''  -- what changed, as JSON
);
CREATE INDEX audit_by_at ON audit(at);
