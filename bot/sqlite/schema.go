package sqlite

// migrations is the schema, one step per element, applied in order in one
// transaction each; the version of a database is the number of steps applied
// (recorded in schema_version). To change the schema, append a step; never
// edit or reorder a step that has shipped, since databases in the field have
// already run it.
//
// Times are unix milliseconds (UTC). No column holds message text: the only
// user-written content that reaches this package is inside the opaque blobs
// sessions.state and outbox.payload.
//
// The tables every Commit writes (processed_updates, polling, sessions,
// outbox) have no index beyond their keys: each index is one more page
// written per commit, while the queries that would use one (Expire, Forget)
// are rare and scan small tables.
var migrations = []string{
	// 1: sessions, update bookkeeping, outbox, preferences, statistics.
	`
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

-- One row: where long polling resumes.
CREATE TABLE polling (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	next_update_id INTEGER NOT NULL
);
INSERT INTO polling (id, next_update_id) VALUES (1, 0);

CREATE TABLE processed_updates (
	update_id INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL
);

CREATE TABLE sessions (
	chat_id         INTEGER PRIMARY KEY,
	user_id         INTEGER NOT NULL DEFAULT 0,
	state           BLOB NOT NULL,
	question_msg_id INTEGER NOT NULL DEFAULT 0,
	updated_at      INTEGER NOT NULL
);

CREATE TABLE outbox (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	chat_id    INTEGER NOT NULL,
	seq        INTEGER NOT NULL,
	priority   INTEGER NOT NULL CHECK (priority >= 0),
	payload    BLOB NOT NULL CHECK (length(payload) > 0),
	attempts   INTEGER NOT NULL DEFAULT 0,
	not_before INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	UNIQUE (chat_id, seq)
);

CREATE TABLE prefs (
	user_id    INTEGER PRIMARY KEY,
	lang       TEXT NOT NULL DEFAULT '',
	region     TEXT NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);

-- One row per assessment shown; user_hash is a salted hash, never the id.
CREATE TABLE stat_events (
	day       TEXT NOT NULL,
	level     TEXT NOT NULL DEFAULT '',
	category  TEXT NOT NULL DEFAULT '',
	script    TEXT NOT NULL DEFAULT '',
	signals   TEXT NOT NULL DEFAULT '',
	user_hash TEXT NOT NULL,
	at        INTEGER NOT NULL
);
CREATE INDEX stat_events_at ON stat_events (at);
CREATE INDEX stat_events_user_hash ON stat_events (user_hash);
`,
	// 2: field reports, moderators, audit, catalogue versions, group watch.
	`
CREATE TABLE reports (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	user_hash     TEXT NOT NULL,
	lang          TEXT NOT NULL,
	region        TEXT NOT NULL DEFAULT '',
	level         TEXT NOT NULL DEFAULT '',
	category      TEXT NOT NULL DEFAULT '',
	script        TEXT NOT NULL DEFAULT '',
	signals       TEXT NOT NULL DEFAULT '',
	text          TEXT NOT NULL,
	evidence      TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'new_pattern')),
	review_script TEXT NOT NULL DEFAULT '',
	reviewer_hash TEXT NOT NULL DEFAULT '',
	reviewed_at   INTEGER NOT NULL DEFAULT 0,
	exported_at   INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);
CREATE INDEX reports_status ON reports (status, id);
CREATE INDEX reports_user ON reports (user_hash, created_at);
CREATE TABLE moderators (
	user_id  INTEGER PRIMARY KEY,
	added_by TEXT NOT NULL DEFAULT '',
	added_at INTEGER NOT NULL
);
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	at         INTEGER NOT NULL,
	actor_hash TEXT NOT NULL,
	action     TEXT NOT NULL,
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE catalogue_versions (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	hash       TEXT NOT NULL,
	at         INTEGER NOT NULL,
	actor_hash TEXT NOT NULL DEFAULT '',
	source     TEXT NOT NULL DEFAULT '',
	scripts    INTEGER NOT NULL DEFAULT 0,
	changed    TEXT NOT NULL DEFAULT ''
);
CREATE TABLE group_watch (
	chat_id     INTEGER PRIMARY KEY,
	enabled     INTEGER NOT NULL,
	interval_ms INTEGER NOT NULL,
	last_warned INTEGER NOT NULL DEFAULT 0,
	set_by_hash TEXT NOT NULL DEFAULT '',
	updated_at  INTEGER NOT NULL
);
`,
}
