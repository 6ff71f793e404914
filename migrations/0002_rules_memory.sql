-- liqwatch schema v2: what the expression-rule state machine remembers between evaluations,
-- beside rule_state (which the store's RecordTransition keeps): the pending/firing level, the
-- observation date the state was entered, and the current breach streak for `for:`.
CREATE TABLE rule_memory (
  rule          TEXT NOT NULL,
  labels        TEXT NOT NULL DEFAULT '',
  state         TEXT NOT NULL,   -- inactive, pending, firing, resolved, no_data
  severity      TEXT NOT NULL,
  since_date    TEXT NOT NULL,   -- observation date the state was entered
  breach_count  INTEGER NOT NULL DEFAULT 0,
  breach_start  TEXT,            -- observation date of the first breach in the streak
  last_notified TEXT,            -- evaluation time of the last notified transition
  last_obs_date TEXT,            -- newest observation date evaluated
  PRIMARY KEY (rule, labels)
) WITHOUT ROWID;
