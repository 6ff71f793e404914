-- liqwatch schema v1. Times are UTC ISO-8601 text ("2025-10-28T14:03:07.123Z"), dates are
-- "YYYY-MM-DD"; both sort lexically in time order. Values are in the series' canonical unit.

-- One row per (series, observation date): the latest value known.
CREATE TABLE observations (
  series      TEXT NOT NULL,
  obs_date    TEXT NOT NULL,
  value       REAL,                      -- NULL: published as missing (holiday, ".")
  unit        TEXT NOT NULL,             -- canonical unit name (percent, usd_bn, index, ...)
  provisional INTEGER NOT NULL DEFAULT 0,
  fetched_at  TEXT NOT NULL,             -- when this date was first seen
  updated_at  TEXT NOT NULL,             -- when the current value was seen
  PRIMARY KEY (series, obs_date)
) WITHOUT ROWID;

-- Every change to an already stored value: backtests replay values as known at the time.
CREATE TABLE observation_revisions (
  id        INTEGER PRIMARY KEY,
  series    TEXT NOT NULL,
  obs_date  TEXT NOT NULL,
  old_value REAL,
  new_value REAL,
  seen_at   TEXT NOT NULL
);
CREATE INDEX observation_revisions_by_series ON observation_revisions(series, obs_date);

-- Evaluation state per rule and label set, so a restart neither loses nor repeats an alert.
CREATE TABLE rule_state (
  rule             TEXT NOT NULL,
  labels           TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL,          -- inactive, pending, firing, resolved, no_data
  since            TEXT NOT NULL,
  alert_id         INTEGER,                -- the open alert while firing
  last_obs_date    TEXT,
  last_value       REAL,
  last_notified_at TEXT,
  PRIMARY KEY (rule, labels)
) WITHOUT ROWID;

-- One row per alert episode: opened when the rule fires, closed when it resolves.
CREATE TABLE alerts (
  id             INTEGER PRIMARY KEY,
  rule           TEXT NOT NULL,
  labels         TEXT NOT NULL DEFAULT '',
  series         TEXT NOT NULL,
  severity       TEXT NOT NULL,
  state          TEXT NOT NULL,            -- firing, resolved
  opened_at      TEXT NOT NULL,
  resolved_at    TEXT,
  first_obs_date TEXT NOT NULL,
  last_obs_date  TEXT NOT NULL,
  value          REAL,
  threshold      REAL,
  message        TEXT NOT NULL
);
CREATE INDEX alerts_by_opened ON alerts(opened_at);
CREATE INDEX alerts_by_rule ON alerts(rule, opened_at);

-- Every state transition of every rule.
CREATE TABLE alert_events (
  id         INTEGER PRIMARY KEY,
  alert_id   INTEGER REFERENCES alerts(id),  -- NULL for transitions outside an episode (pending)
  rule       TEXT NOT NULL,
  labels     TEXT NOT NULL DEFAULT '',
  kind       TEXT NOT NULL,                  -- firing, resolved, reminder, pending, no_data, ...
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  severity   TEXT NOT NULL,
  series     TEXT NOT NULL,
  value      REAL,
  threshold  REAL,
  obs_date   TEXT NOT NULL,
  eval_time  TEXT NOT NULL,
  message    TEXT NOT NULL
);
CREATE INDEX alert_events_by_alert ON alert_events(alert_id);
CREATE INDEX alert_events_by_time ON alert_events(eval_time);

-- The outbox: one row per (event, notifier), written in the same transaction as the event.
CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  event_id        INTEGER NOT NULL REFERENCES alert_events(id),
  notifier        TEXT NOT NULL,
  status          TEXT NOT NULL,            -- pending, delivered, dead
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  delivered_at    TEXT,
  idempotency_key TEXT NOT NULL UNIQUE,     -- stable across retries and restarts
  UNIQUE (event_id, notifier)
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);

-- Poll health per series.
CREATE TABLE source_health (
  series                  TEXT PRIMARY KEY,
  source                  TEXT NOT NULL,
  last_attempt_at         TEXT,
  last_success_at         TEXT,
  last_error_at           TEXT,
  last_error              TEXT,
  consecutive_failures    INTEGER NOT NULL DEFAULT 0,
  last_new_observation_at TEXT,
  polls                   INTEGER NOT NULL DEFAULT 0,
  errors                  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
