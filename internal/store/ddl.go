package store

import (
	"regexp"
	"strings"
)

// The SQLite types and clauses that PostgreSQL writes otherwise.
var (
	strictClause = regexp.MustCompile(`\)\s*STRICT\b`)
	sqliteTypes  = strings.NewReplacer(" INTEGER", " BIGINT", " REAL", " DOUBLE PRECISION", " BLOB", " BYTEA")
)

// FromSQLite translates SQLite table definitions made of ordinary tables
// and indexes (STRICT tables of INTEGER, REAL, TEXT and BLOB columns) into
// PostgreSQL's: STRICT dropped, INTEGER as BIGINT (SQLite's integers are 64
// bits), REAL as DOUBLE PRECISION, BLOB as BYTEA. Virtual tables and
// SQLite's own functions are not translated: write those per dialect.
func FromSQLite(ddl string) string {
	return sqliteTypes.Replace(strictClause.ReplaceAllString(ddl, ")"))
}

// Both gives the same migrations to SQLite and, translated with FromSQLite,
// to PostgreSQL.
func Both(migrations ...string) map[Dialect][]string {
	pg := make([]string, len(migrations))
	for i, m := range migrations {
		pg[i] = FromSQLite(m)
	}
	return map[Dialect][]string{SQLite: migrations, Postgres: pg}
}

// BothIndexes gives the same index statements to both dialects.
func BothIndexes(stmts ...string) map[Dialect][]string {
	return map[Dialect][]string{SQLite: stmts, Postgres: stmts}
}
