package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/browse"
	"github.com/kongsi/kongsi/internal/signednote"
	"github.com/kongsi/kongsi/internal/tlog"
)

// CosignatureJSON is one cosignature line of a checkpoint, checked against
// the witnesses the register's records name.
type CosignatureJSON struct {
	// KeyName is the name in the signature line.
	KeyName string `json:"key_name"`
	// Witness is the registered witness whose key made it, if any.
	Witness      string `json:"witness,omitempty"`
	WitnessName  string `json:"witness_name,omitempty"`
	Operator     string `json:"operator,omitempty"`
	OperatorName string `json:"operator_name,omitempty"`
	// Time is when the witness says it cosigned.
	Time time.Time `json:"time,omitzero"`
	// Verified is true when the line verifies with the witness's key.
	Verified bool `json:"verified"`
	// InPolicy is true when the witness counts toward the policy's quorum.
	InPolicy bool   `json:"in_policy"`
	Note     string `json:"note"`
}

// WitnessCheck is the check of a checkpoint's cosignatures against the
// register's witness policy.
type WitnessCheck struct {
	// Policy is the witness policy in force for the checkpoint; nil if the
	// register has none.
	Policy *browse.WitnessPolicy `json:"policy,omitempty"`
	// PolicyText describes it: "2 of asean-secretariat, iseas".
	PolicyText   string            `json:"policy_text"`
	Cosignatures []CosignatureJSON `json:"cosignatures"`
	// Counted is the number of verified cosignatures by witnesses of the
	// policy.
	Counted int `json:"counted"`
	// Met is true when the policy asks for nothing or Counted reaches its
	// quorum.
	Met bool `json:"met"`
}

// witnessCheckCache keeps the last check: checkpoints change at most every
// few hundred milliseconds, pages and the API ask for it far more often.
type witnessCheckCache struct {
	raw     string // the checkpoint checked
	applied uint64 // what the store reflected
	check   *WitnessCheck
}

// checkWitnesses checks the cosignatures of a checkpoint the projector
// verified. The store then reflects the register up to the checkpoint's
// size, so its witnesses and policy are the ones in force for it. The
// result is shared: callers MUST NOT change it.
func (s *Site) checkWitnesses(ctx context.Context, cp *tlog.Checkpoint) (*WitnessCheck, error) {
	applied := s.Node.Projector.Applied()
	if c := s.witnessCache.Load(); c != nil && c.raw == string(cp.Raw) && c.applied == applied {
		return c.check, nil
	}
	check, err := s.computeWitnessCheck(ctx, cp)
	if err != nil {
		return nil, err
	}
	s.witnessCache.Store(&witnessCheckCache{raw: string(cp.Raw), applied: applied, check: check})
	return check, nil
}

func (s *Site) computeWitnessCheck(ctx context.Context, cp *tlog.Checkpoint) (*WitnessCheck, error) {
	ws, err := browse.Witnesses(ctx, s.Node.Store)
	if err != nil {
		return nil, err
	}
	policy, ok, err := browse.WitnessPolicyAt(ctx, s.Node.Store, cp.Size)
	if err != nil {
		return nil, err
	}
	c := &WitnessCheck{Cosignatures: []CosignatureJSON{}, PolicyText: "no witness policy recorded"}
	if ok {
		c.Policy = policy
		if len(policy.Witnesses) == 0 {
			c.PolicyText = "no witnesses required"
		} else {
			c.PolicyText = fmt.Sprintf("%d of %s", policy.Quorum, strings.Join(policy.Witnesses, ", "))
		}
	}
	n, err := signednote.Parse(cp.Raw)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the checkpoint's signatures: %w", err)
	}
	logKey, err := signednote.ParseKey(s.Node.LogVKey)
	if err != nil {
		return nil, err
	}
	counted := map[string]bool{}
	for _, sig := range n.Sigs {
		if logKey.Matches(sig) {
			continue
		}
		cj := CosignatureJSON{KeyName: sig.Name, Note: "not by the key of a registered witness: not checked"}
		for _, w := range ws {
			k, err := signednote.ParseCosignatureKey(w.Key)
			if err != nil || !k.Matches(sig) {
				continue
			}
			cj.Witness, cj.WitnessName, cj.Operator, cj.OperatorName = w.ID, w.Name, w.Operator, w.OperatorName
			cj.InPolicy = policy != nil && slices.Contains(policy.Witnesses, w.ID)
			if t, ok := k.Verify(n.Text, sig); ok {
				cj.Verified, cj.Time = true, t
				cj.Note = "verified with the key registered for " + w.ID
				if cj.InPolicy && !counted[w.ID] {
					counted[w.ID] = true
					c.Counted++
				}
			} else {
				cj.Note = "does not verify with the key registered for " + w.ID
			}
			break
		}
		c.Cosignatures = append(c.Cosignatures, cj)
	}
	c.Met = policy == nil || c.Counted >= policy.Quorum
	return c, nil
}

type witnessesData struct {
	Witnesses  []*browse.Witness
	Check      *WitnessCheck
	Checkpoint *tlog.Checkpoint
	InPolicy   map[string]bool
	BaseURL    string
	VKey       string
}

func (s *Site) witnessesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := witnessesData{BaseURL: s.baseURL(r), VKey: s.Node.LogVKey, InPolicy: map[string]bool{}}
	var err error
	if d.Witnesses, err = browse.Witnesses(ctx, s.Node.Store); err != nil {
		return err
	}
	if d.Checkpoint = s.Node.Projector.Checkpoint(); d.Checkpoint != nil {
		if d.Check, err = s.checkWitnesses(ctx, d.Checkpoint); err != nil {
			return err
		}
		if d.Check.Policy != nil {
			for _, id := range d.Check.Policy.Witnesses {
				d.InPolicy[id] = true
			}
		}
	}
	return s.Render(w, r, http.StatusOK, "witnesses", d)
}

// WitnessesJSON is the answer of /api/v1/witnesses.
type WitnessesJSON struct {
	Witnesses []*browse.Witness     `json:"witnesses"`
	Policy    *browse.WitnessPolicy `json:"policy,omitempty"`
	// Checkpoint is the latest checkpoint, and Check the check of its
	// cosignatures.
	Checkpoint string        `json:"checkpoint,omitempty"`
	Check      *WitnessCheck `json:"check,omitempty"`
}

func (s *Site) apiWitnesses(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	out := WitnessesJSON{Witnesses: []*browse.Witness{}}
	var err error
	if ws, err := browse.Witnesses(ctx, s.Node.Store); err != nil {
		return err
	} else if ws != nil {
		out.Witnesses = ws
	}
	if out.Policy, _, err = browse.WitnessPolicyAt(ctx, s.Node.Store, s.Node.Projector.Applied()); err != nil {
		return err
	}
	if cp := s.Node.Projector.Checkpoint(); cp != nil {
		out.Checkpoint = string(cp.Raw)
		if out.Check, err = s.checkWitnesses(ctx, cp); err != nil {
			return err
		}
	}
	return WriteJSON(w, http.StatusOK, out)
}

// apiWitnessPolicy serves the register's witness policy in the policy file
// format that kongsi verify -witnesses and Tessera read.
func (s *Site) apiWitnessPolicy(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ws, err := browse.Witnesses(ctx, s.Node.Store)
	if err != nil {
		return err
	}
	policy, ok, err := browse.WitnessPolicyAt(ctx, s.Node.Store, s.Node.Projector.Applied())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if !ok {
		_, err = fmt.Fprintf(w, "# The register %s has recorded no witness policy.\nquorum none\n", s.Node.Origin)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# The witness policy of the register %s, as its record %d says.\n# Check it against a source you trust.\n", s.Node.Origin, policy.Index)
	p := &tlog.Policy{Quorum: policy.Quorum}
	for _, id := range policy.Witnesses {
		i := slices.IndexFunc(ws, func(w *browse.Witness) bool { return w.ID == id })
		if i < 0 {
			return fmt.Errorf("the witness policy names %q, which the store does not hold", id)
		}
		k, err := signednote.ParseCosignatureKey(ws[i].Key)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "# %s: %s, run by %s (%s)\n", id, ws[i].Name, ws[i].OperatorName, ws[i].Operator)
		p.Witnesses = append(p.Witnesses, &tlog.Witness{Name: id, Key: k, URL: ws[i].URL})
	}
	b.Write(p.Marshal())
	_, err = w.Write([]byte(b.String()))
	return err
}

func witnessPaths() map[string]any {
	return map[string]any{
		"/api/v1/witnesses": map[string]any{"get": Op("The witnesses the register's records name, who runs each, the witness policy, and the check of the latest checkpoint's cosignatures against it.", nil, JSONResponse("Witnesses.", Ref("Witnesses")))},
		"/api/v1/witnesses/policy": map[string]any{"get": Op("The register's witness policy in the policy file format of Sigsum and Tessera, for kongsi verify -witnesses. Check it against a source you trust.", nil,
			map[string]any{"description": "A policy file.", "content": map[string]any{"text/plain": map[string]any{"schema": Str}}})},
	}
}
