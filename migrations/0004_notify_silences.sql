-- liqwatch schema: silences (liqwatch silence add/list/expire; notify/silences.h). A silenced
-- delivery keeps its row in `deliveries` with status 'silenced' (and 'skipped' for resolved
-- events a notifier does not want); both are plain status values, no column changes.
CREATE TABLE silences (
  id         INTEGER PRIMARY KEY,
  rule       TEXT NOT NULL,             -- rule name, or '*' for every rule
  matchers   TEXT NOT NULL DEFAULT '',  -- label matchers "k=v,k2=v2": all must match
  starts_at  TEXT NOT NULL,             -- UTC ISO-8601; covers [starts_at, ends_at)
  ends_at    TEXT NOT NULL,             -- `silence expire` moves it to the expiry time
  comment    TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX silences_by_end ON silences(ends_at);
