-- liqwatch schema v7: threshold rules (series/op/threshold) run on the one rule engine, which
-- keeps what it knows between evaluations in rule_memory. A threshold rule evaluated by an
-- older version has only its rule_state row: give it the memory that row implies, so an open
-- alert stays open (and resolves once, not never, and is not opened twice) and evaluation
-- resumes after the newest observation date it saw. since_date is the observation date of its
-- last transition (when it entered its state), severity that transition's (the open alert's).
-- Rows that already have memory are left alone.
INSERT INTO rule_memory (rule, labels, state, severity, since_date, breach_count, breach_start,
                         last_notified, last_obs_date)
SELECT rs.rule, rs.labels, rs.state,
       coalesce((SELECT e.severity FROM alert_events e
                 WHERE e.rule = rs.rule AND e.labels = rs.labels ORDER BY e.id DESC LIMIT 1),
                'warning'),
       coalesce((SELECT e.obs_date FROM alert_events e
                 WHERE e.rule = rs.rule AND e.labels = rs.labels ORDER BY e.id DESC LIMIT 1),
                rs.last_obs_date, substr(rs.since, 1, 10)),
       0, NULL, rs.last_notified_at, rs.last_obs_date
FROM rule_state rs
WHERE NOT EXISTS (SELECT 1 FROM rule_memory m WHERE m.rule = rs.rule AND m.labels = rs.labels);
