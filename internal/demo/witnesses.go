package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kongsi/kongsi/internal/ledger"
	"github.com/kongsi/kongsi/internal/signednote"
)

// WitnessesDir holds the state of the demo's witnesses, inside the data
// directory: one directory per witness.
const WitnessesDir = "witnesses"

// Witness is a witness of the demonstration register. kongsi demo runs them
// in-process, on loopback; in a real register each runs on its operator's
// own machines (kongsi witness).
type Witness struct {
	ID          string // the last segment of its subject, witnesses/<ID>
	Operator    string // the party that runs it
	Name        string
	Description string
	// SKey and VKey are its cosignature/v1 key, a demo key.
	SKey, VKey string
}

// demoWitnesses are run by the foreign ministries of two member states,
// which act for their states in the register's affairs.
var demoWitnesses = []Witness{
	{ID: "idn", Operator: "idn.kemlu", Name: "Indonesia's witness",
		Description: "Cosigns the register's checkpoints for Indonesia. In the demonstration, kongsi demo runs it in-process with a demo key."},
	{ID: "sgp", Operator: "sgp.mfa", Name: "Singapore's witness",
		Description: "Cosigns the register's checkpoints for Singapore. In the demonstration, kongsi demo runs it in-process with a demo key."},
}

// Witnesses returns the demo's witnesses, with their keys, kept in the data
// directory's demo keys (made if missing).
func Witnesses(dataDir string) ([]Witness, error) {
	dir := filepath.Join(dataDir, KeysDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	var out []Witness
	for _, w := range demoWitnesses {
		path := filepath.Join(dir, "witness-"+w.ID+".key")
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			skey, _, err := signednote.GenerateCosignatureKey(w.ID + ".witness.demo.kongsi.example")
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, []byte(skey+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("couldn't write the demo key of the witness %s: %w", w.ID, err)
			}
			b = []byte(skey)
		} else if err != nil {
			return nil, err
		}
		_, k, err := signednote.NewCosigner(string(b))
		if err != nil {
			return nil, fmt.Errorf("the demo key of the witness %s: %w", w.ID, err)
		}
		w.SKey, w.VKey = string(b), k.String()
		out = append(out, w)
	}
	return out, nil
}

// LogVKey returns the demo log's verifier key, kept in the data directory's
// demo keys (made if missing).
func LogVKey(dataDir string) (string, error) {
	k, err := OpenKeys(filepath.Join(dataDir, KeysDir), []string{Origin})
	if err != nil {
		return "", err
	}
	return k.VKey(Origin), nil
}

// registerWitnesses has each witness's operator register it, and the
// governance authorities of every member state set a policy that needs all
// of them.
func (l *Loader) registerWitnesses(ctx context.Context, ws []Witness, governance []string) error {
	var ids []string
	for _, w := range ws {
		body, _ := json.Marshal(map[string]any{"name": w.Name, "key": w.VKey, "description": w.Description})
		if _, err := l.Submit(ctx, Record{Author: w.Operator, Kind: ledger.KindWitnessRegister, Subject: ledger.WitnessSubject(w.ID), Body: body}); err != nil {
			return err
		}
		ids = append(ids, w.ID)
	}
	body, _ := json.Marshal(map[string]any{
		"witnesses": ids, "quorum": len(ids),
		"reason": "Every checkpoint of the register is cosigned by witnesses that two member states run, so that no operator can show different histories to different parties.",
	})
	_, err := l.Submit(ctx, Record{Author: governance[0], Cosigners: governance[1:], Kind: ledger.KindWitnessPolicy, Subject: ledger.WitnessPolicySubject, Body: body})
	return err
}
