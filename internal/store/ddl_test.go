package store

import "testing"

func TestFromSQLite(t *testing.T) {
	in := `CREATE TABLE t (
	idx INTEGER PRIMARY KEY,
	share REAL NOT NULL,
	raw BLOB,
	name TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS t_name ON t (name);`
	want := `CREATE TABLE t (
	idx BIGINT PRIMARY KEY,
	share DOUBLE PRECISION NOT NULL,
	raw BYTEA,
	name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS t_name ON t (name);`
	if got := FromSQLite(in); got != want {
		t.Errorf("FromSQLite:\n%s\nwant\n%s", got, want)
	}
	if got := FromSQLite(`CREATE TABLE u (k INTEGER) STRICT`); got != `CREATE TABLE u (k BIGINT)` {
		t.Errorf("FromSQLite without a semicolon: %s", got)
	}
}
