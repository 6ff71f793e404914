-- liqwatch schema v6: event identity and Alertmanager re-sends.
--
-- alert_events.event_key: a key derived from what the event is (rule, labels, transition and
-- the observation that caused it; store/event_key.h), so two nodes fed the same prints, or a
-- node replaying after a restart, give the same event the same key. Events recorded before v6
-- keep NULL. Not unique: a rule that reminds twice on the same observation (age() timers)
-- records two events with one key, and a receiver deduplicating on it sees that reminder once.
ALTER TABLE alert_events ADD COLUMN event_key TEXT;
CREATE INDEX alert_events_by_key ON alert_events(event_key);

-- deliveries: the Idempotency-Key a delivery sends is now its event's key, the same for every
-- notifier of that event, so the UNIQUE constraint on idempotency_key goes (SQLite cannot drop
-- a constraint: the table is rebuilt with the same rows). refreshed_at: when the outbox last
-- re-armed this delivery to re-send a still-firing alert to Alertmanager (notify/dispatcher.h);
-- a re-armed delivery's max_age counts from then. NULL for every other delivery.
CREATE TABLE deliveries_v6 (
  id              INTEGER PRIMARY KEY,
  event_id        INTEGER NOT NULL REFERENCES alert_events(id),
  notifier        TEXT NOT NULL,
  status          TEXT NOT NULL,            -- pending, delivered, dead, silenced, skipped
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  delivered_at    TEXT,
  idempotency_key TEXT NOT NULL,            -- the event's key (v6); random per row before
  refreshed_at    TEXT,
  UNIQUE (event_id, notifier)
);
INSERT INTO deliveries_v6 (id, event_id, notifier, status, attempts, next_attempt_at, last_error,
                           created_at, delivered_at, idempotency_key)
  SELECT id, event_id, notifier, status, attempts, next_attempt_at, last_error, created_at,
         delivered_at, idempotency_key FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_v6 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);

-- silences.pushed_to: where else the silence lives: "NOTIFIER=ID" per Alertmanager replica it
-- was pushed to (liqwatch silence add --push), comma-separated; '' for a local-only silence.
ALTER TABLE silences ADD COLUMN pushed_to TEXT NOT NULL DEFAULT '';
