package browse

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/kongsi/kongsi/internal/store"
)

// Witness is a witness the register's records describe.
type Witness struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Key         string `json:"key"`
	Fingerprint string `json:"key_fingerprint"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description,omitempty"`
	Operator    string `json:"operator"`
	// OperatorName names the operator for people, with its state for an
	// authority: "Ministry of Foreign Affairs (Singapore)".
	OperatorName string `json:"operator_name"`
	Since        uint64 `json:"since_index"`
	Updated      uint64 `json:"updated_index"`
	Retired      bool   `json:"retired"`
}

// WitnessPolicy is the register's witness policy as one witness.policy
// record set it.
type WitnessPolicy struct {
	Index     uint64   `json:"index"`
	Quorum    int      `json:"quorum"`
	Witnesses []string `json:"witnesses"`
}

// Witnesses lists the witnesses registered, by ID.
func Witnesses(ctx context.Context, st store.Store) ([]*Witness, error) {
	rows, err := st.Reader().QueryContext(ctx, `SELECT w.id, w.name, w.vkey, w.fingerprint, w.url, w.description, w.operator,
			CASE WHEN p.type = 'authority' AND s.name IS NOT NULL THEN p.name || ' (' || s.name || ')' ELSE COALESCE(p.name, w.operator) END,
			w.since_idx, w.updated_idx, w.retired
		FROM witnesses w LEFT JOIN parties p ON p.id = w.operator LEFT JOIN parties s ON s.id = p.state
		ORDER BY w.id`)
	if err != nil {
		return nil, fmt.Errorf("couldn't list the witnesses: %w", err)
	}
	defer rows.Close()
	var out []*Witness
	for rows.Next() {
		var w Witness
		var since, updated int64
		var retired int
		if err := rows.Scan(&w.ID, &w.Name, &w.Key, &w.Fingerprint, &w.URL, &w.Description, &w.Operator, &w.OperatorName, &since, &updated, &retired); err != nil {
			return nil, err
		}
		w.Since, w.Updated, w.Retired = uint64(since), uint64(updated), retired != 0
		out = append(out, &w)
	}
	return out, rows.Err()
}

// WitnessPolicyAt returns the witness policy in force for a checkpoint of
// the given size: the one the last witness.policy record before it set. ok
// is false if there was none.
func WitnessPolicyAt(ctx context.Context, st store.Store, size uint64) (p *WitnessPolicy, ok bool, err error) {
	p = &WitnessPolicy{}
	var idx int64
	var ids string
	err = st.Reader().QueryRowContext(ctx, `SELECT idx, quorum, witnesses FROM witness_policies WHERE idx < $1 ORDER BY idx DESC LIMIT 1`, int64(min(size, 1<<63-1))).Scan(&idx, &p.Quorum, &ids)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("couldn't read the witness policy: %w", err)
	}
	p.Index = uint64(idx)
	if err := json.Unmarshal([]byte(ids), &p.Witnesses); err != nil {
		return nil, false, fmt.Errorf("couldn't read the witness policy: %w", err)
	}
	return p, true, nil
}
