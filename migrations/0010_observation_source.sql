-- Provenance. A series may be fed by two sources, a primary and a fallback (a series'
-- `fallback:`, docs/sources.md "Fallback source"): each stored value records which source
-- (the config's `sources:` name) delivered it. NULL: stored before provenance was kept.
ALTER TABLE observations ADD COLUMN source TEXT;

-- A fallback's print that disagreed with the value already stored for the date (the primary's,
-- which is kept), recorded once per date and source.
CREATE TABLE observation_disagreements (
  series       TEXT NOT NULL,
  obs_date     TEXT NOT NULL,
  source       TEXT NOT NULL,            -- the fallback source whose print was not used
  value        REAL,                     -- its value
  kept_source  TEXT,                     -- the source of the stored value
  kept_value   REAL,
  seen_at      TEXT NOT NULL,
  PRIMARY KEY (series, obs_date, source)
) WITHOUT ROWID;
