-- liqwatch schema v5: conditional-GET validators (ETag, Last-Modified) of feed responses, per
-- series and request URL, so a restarted daemon asks the feed "changed since?" (and gets an
-- empty 304) instead of downloading every feed again. `url` is the request URL with its
-- credentials redacted (FRED's key reads "api_key=[redacted]"): a key never reaches the
-- database. Only the few most recently used URLs of a series are kept (store.cpp).
CREATE TABLE http_validators (
  series        TEXT NOT NULL,
  url           TEXT NOT NULL,
  etag          TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  used_at       TEXT NOT NULL,   -- the last 200 or 304 answered for this URL
  PRIMARY KEY (series, url)
) WITHOUT ROWID;
