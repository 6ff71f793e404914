-- Text search over alert messages (`liqwatch alerts --text`, GET /api/v1/alerts?text=) from an
-- index instead of reading every message: an FTS5 table with the trigram tokenizer, which
-- answers a case-insensitive substring of 3 or more characters (shorter ones still scan).
-- External content: the text lives once, in alerts; the triggers keep the index in step with
-- every insert, delete (prune) and message change, and 'rebuild' indexes the existing rows.
CREATE VIRTUAL TABLE alert_fts USING fts5(
  message, content = 'alerts', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO alert_fts (alert_fts) VALUES ('rebuild');

CREATE TRIGGER alert_fts_insert AFTER INSERT ON alerts BEGIN
  INSERT INTO alert_fts (rowid, message) VALUES (new.id, new.message);
END;
CREATE TRIGGER alert_fts_delete AFTER DELETE ON alerts BEGIN
  INSERT INTO alert_fts (alert_fts, rowid, message) VALUES ('delete', old.id, old.message);
END;
CREATE TRIGGER alert_fts_update AFTER UPDATE OF message ON alerts BEGIN
  INSERT INTO alert_fts (alert_fts, rowid, message) VALUES ('delete', old.id, old.message);
  INSERT INTO alert_fts (rowid, message) VALUES (new.id, new.message);
END;
