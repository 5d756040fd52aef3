package tlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kongsi/kongsi/internal/signednote"
	"golang.org/x/mod/sumdb/note"
)

// Witness is a witness as a policy names it: a local name, its
// cosignature/v1 key and, for a log that asks it to cosign, the URL prefix
// of its C2SP tlog-witness API (add-checkpoint is under it).
type Witness struct {
	Name string
	Key  *signednote.CosignatureKey
	URL  string
}

// Policy says which witnesses must cosign a checkpoint: at least Quorum of
// Witnesses. A policy with no witnesses and a quorum of zero asks for none.
type Policy struct {
	Witnesses []*Witness
	Quorum    int
}

// ErrQuorum reports a checkpoint without the cosignatures its policy needs.
var ErrQuorum = errors.New("the checkpoint lacks the cosignatures its witness policy requires")

// ParsePolicy reads a witness policy in the policy format of Sigsum and
// Tessera (tessera.NewWitnessGroupFromPolicy), limited to one group of
// witnesses:
//
//	# comments run to the end of the line
//	witness asean   asean.witness.example+1234abcd+BASE64 https://witness.asean.example/
//	witness iseas   iseas.witness.example+5678ef01+BASE64 https://witness.iseas.example/
//	witness isis    isis.witness.example+9abc2345+BASE64
//	group   members 2 asean iseas isis
//	quorum  members
//
// The keys are cosignature/v1 vkeys (signature type 0x04). The URL is
// optional: a log needs it to ask the witness, a verifier does not. The
// threshold of a group may be a number, "any" or "all". The quorum is the
// group, a single witness, or "none". "log" lines are allowed and ignored.
func ParsePolicy(b []byte) (*Policy, error) {
	p := &Policy{}
	byName := map[string]*Witness{}
	groups := map[string]bool{}
	var groupMembers []*Witness
	var groupThreshold int
	quorum := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("witness policy, line %d: %s", n, fmt.Sprintf(format, args...))
		}
		switch f[0] {
		case "log":
		case "witness":
			if len(f) != 3 && len(f) != 4 {
				return nil, bad("a witness line is: witness NAME VKEY [URL]")
			}
			if err := checkPolicyName(f[1]); err != nil {
				return nil, bad("%v", err)
			}
			if byName[f[1]] != nil || groups[f[1]] {
				return nil, bad("the name %q is used twice", f[1])
			}
			k, err := signednote.ParseCosignatureKey(f[2])
			if err != nil {
				return nil, bad("%v", err)
			}
			for _, w := range p.Witnesses {
				if w.Key.String() == k.String() {
					return nil, bad("the key of %q is also the key of %q", f[1], w.Name)
				}
			}
			w := &Witness{Name: f[1], Key: k}
			if len(f) == 4 {
				if err := CheckWitnessURL(f[3]); err != nil {
					return nil, bad("%v", err)
				}
				w.URL = f[3]
			}
			byName[w.Name] = w
			p.Witnesses = append(p.Witnesses, w)
		case "group":
			if len(f) < 4 {
				return nil, bad("a group line is: group NAME THRESHOLD MEMBER...")
			}
			if len(groups) > 0 {
				return nil, bad("only one group is supported")
			}
			if err := checkPolicyName(f[1]); err != nil {
				return nil, bad("%v", err)
			}
			if byName[f[1]] != nil {
				return nil, bad("the name %q is used twice", f[1])
			}
			groups[f[1]] = true
			seen := map[string]bool{}
			for _, m := range f[3:] {
				w := byName[m]
				if w == nil {
					return nil, bad("the group's member %q is not a witness defined above it (groups of groups are not supported)", m)
				}
				if seen[m] {
					return nil, bad("%q is listed twice in the group", m)
				}
				seen[m] = true
				groupMembers = append(groupMembers, w)
			}
			switch f[2] {
			case "any":
				groupThreshold = 1
			case "all":
				groupThreshold = len(groupMembers)
			default:
				t, err := strconv.Atoi(f[2])
				if err != nil || t < 1 || t > len(groupMembers) || strconv.Itoa(t) != f[2] {
					return nil, bad("the threshold %q must be any, all, or a number from 1 to %d", f[2], len(groupMembers))
				}
				groupThreshold = t
			}
		case "quorum":
			if len(f) != 2 {
				return nil, bad("a quorum line is: quorum NAME|none")
			}
			if quorum != "" {
				return nil, bad("the quorum is given twice")
			}
			quorum = f[1]
		default:
			return nil, bad("unknown keyword %q (expected witness, group, quorum or log)", f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("couldn't read the witness policy: %w", err)
	}
	switch {
	case quorum == "":
		return nil, errors.New("witness policy: no quorum line (quorum NAME, or quorum none)")
	case quorum == "none":
		return &Policy{}, nil
	case groups[quorum]:
		return &Policy{Witnesses: groupMembers, Quorum: groupThreshold}, nil
	case byName[quorum] != nil:
		return &Policy{Witnesses: []*Witness{byName[quorum]}, Quorum: 1}, nil
	default:
		return nil, fmt.Errorf("witness policy: the quorum %q names no witness or group", quorum)
	}
}

func checkPolicyName(name string) error {
	switch name {
	case "log", "witness", "group", "quorum", "any", "all", "none":
		return fmt.Errorf("%q is a keyword, not a name", name)
	}
	return nil
}

// CheckWitnessURL checks the URL prefix of a witness's API.
func CheckWitnessURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an http(s) URL prefix", s)
	}
	return nil
}

// Marshal writes the policy in the format ParsePolicy reads.
func (p *Policy) Marshal() []byte {
	var b bytes.Buffer
	if p.Quorum == 0 || len(p.Witnesses) == 0 {
		b.WriteString("quorum none\n")
		return b.Bytes()
	}
	var names []string
	for _, w := range p.Witnesses {
		fmt.Fprintf(&b, "witness %s %s", w.Name, w.Key)
		if w.URL != "" {
			fmt.Fprintf(&b, " %s", w.URL)
		}
		b.WriteString("\n")
		names = append(names, w.Name)
	}
	fmt.Fprintf(&b, "group witnesses %d %s\n", p.Quorum, strings.Join(names, " "))
	b.WriteString("quorum witnesses\n")
	return b.Bytes()
}

// String describes the policy for people: "2 of asean, iseas, isis".
func (p *Policy) String() string {
	if p.Quorum == 0 || len(p.Witnesses) == 0 {
		return "no witnesses"
	}
	var names []string
	for _, w := range p.Witnesses {
		names = append(names, w.Name)
	}
	return fmt.Sprintf("%d of %s", p.Quorum, strings.Join(names, ", "))
}

// Witness returns the policy's witness with the given key, or nil.
func (p *Policy) Witness(vkey string) *Witness {
	for _, w := range p.Witnesses {
		if w.Key.String() == vkey {
			return w
		}
	}
	return nil
}

// Cosignature is a verified cosignature of a checkpoint.
type Cosignature struct {
	Witness *Witness
	// Time is when the witness says it cosigned.
	Time time.Time
}

// Cosignatures returns the witnesses of p that cosigned the checkpoint, in
// the policy's order, each once, with the time its cosignature states. Lines
// by other keys, and lines that do not verify, are ignored.
func (p *Policy) Cosignatures(cp *Checkpoint) []Cosignature {
	n, err := signednote.Parse(cp.Raw)
	if err != nil {
		return nil
	}
	var out []Cosignature
	for _, w := range p.Witnesses {
		for _, s := range n.Sigs {
			if t, ok := w.Key.Verify(n.Text, s); ok {
				out = append(out, Cosignature{Witness: w, Time: t})
				break
			}
		}
	}
	return out
}

// Check verifies that a quorum of the policy's witnesses cosigned the
// checkpoint, and returns the cosignatures that verify. The error wraps
// ErrQuorum.
func (p *Policy) Check(cp *Checkpoint) ([]Cosignature, error) {
	cs := p.Cosignatures(cp)
	if len(cs) < p.Quorum {
		var have []string
		for _, c := range cs {
			have = append(have, c.Witness.Name)
		}
		by := "none"
		if len(have) > 0 {
			by = strings.Join(have, ", ")
		}
		return cs, fmt.Errorf("%w: the policy asks for %s; cosigned by %s", ErrQuorum, p, by)
	}
	return cs, nil
}

// Satisfied reports whether a quorum of the policy's witnesses cosigned the
// checkpoint.
func (p *Policy) Satisfied(cp *Checkpoint) bool {
	_, err := p.Check(cp)
	return err == nil
}

// Equal reports whether two policies ask the same keys for the same quorum,
// whatever the names and URLs.
func (p *Policy) Equal(q *Policy) bool {
	keys := func(p *Policy) []string {
		var ks []string
		for _, w := range p.Witnesses {
			ks = append(ks, w.Key.String())
		}
		slices.Sort(ks)
		return ks
	}
	if p.Quorum == 0 || len(p.Witnesses) == 0 {
		return q.Quorum == 0 || len(q.Witnesses) == 0
	}
	return p.Quorum == q.Quorum && slices.Equal(keys(p), keys(q))
}

// WitnessPolicies say which witness policies the checkpoints of a log must
// satisfy, and which witnesses to ask.
type WitnessPolicies interface {
	// For returns the policies a checkpoint of the given size must satisfy,
	// every one of them. ok is false when that cannot be known yet; no
	// checkpoint is published meanwhile.
	For(size uint64) (ps []*Policy, ok bool)
	// Witnesses returns the witnesses to ask for cosignatures: those, with
	// a URL, of every policy For may return.
	Witnesses() []*Witness
}

// witnessGate is a component of a Tessera witness group (it implements
// Tessera's policyComponent) that is satisfied when a checkpoint satisfies
// every policy For returns for its size. Tessera asks it again after each
// cosignature arrives, and publishes the checkpoint as soon as it is.
type witnessGate struct {
	wp       WitnessPolicies
	contacts *witnessContacts
}

// Satisfied reports whether the checkpoint, signed by the log, carries the
// cosignatures its policies require.
func (g witnessGate) Satisfied(raw []byte) bool {
	size, err := checkpointSize(raw)
	if err != nil {
		return false
	}
	ps, ok := g.wp.For(size)
	if !ok {
		return false
	}
	cp := &Checkpoint{Raw: raw}
	for _, p := range ps {
		if !p.Satisfied(cp) {
			return false
		}
	}
	return true
}

// noURLScheme marks the endpoint of a witness whose URL is unknown. Tessera
// publishes a checkpoint at once when it has no witness to ask, so such a
// witness is still listed, under a URL that fails at once ("unsupported
// protocol scheme"), and a checkpoint is never published without the
// cosignatures its policies require.
const noURLScheme = "kongsi-no-url"

// Endpoints maps the add-checkpoint URL of each witness to its key.
func (g witnessGate) Endpoints() map[string]note.Verifier {
	m := map[string]note.Verifier{}
	for _, w := range g.wp.Witnesses() {
		u, err := url.JoinPath(w.URL, "add-checkpoint")
		if w.URL == "" || err != nil {
			u = noURLScheme + "://" + url.PathEscape(w.Name) + "/add-checkpoint"
		}
		m[u] = w.Key.Verifier()
		g.contacts.name(u, w.Name)
	}
	return m
}

// WitnessContact is how the last request of the log to a witness went.
type WitnessContact struct {
	Name string    `json:"name"`
	URL  string    `json:"url"`
	Time time.Time `json:"time"`
	// Status is the HTTP status of the answer, or 0 if there was none.
	Status int `json:"status,omitempty"`
	// Error says why the request failed, if it did.
	Error string `json:"error,omitempty"`
}

// witnessContacts records how the log's requests to witnesses go, by
// wrapping the transport of the HTTP client Tessera uses: Tessera itself
// reports failures to witnesses only through its own logs.
type witnessContacts struct {
	mu    sync.Mutex
	names map[string]string // add-checkpoint URL → witness name
	last  map[string]*WitnessContact
	next  http.RoundTripper
}

func (c *witnessContacts) name(u, name string) {
	c.mu.Lock()
	c.names[u] = name
	c.mu.Unlock()
}

func (c *witnessContacts) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	u := r.URL.String()
	wc := &WitnessContact{URL: u, Time: time.Now().UTC()}
	if err != nil {
		wc.Error = err.Error()
		if r.URL.Scheme == noURLScheme {
			wc.Error = "no URL is known for this witness"
		}
	} else {
		wc.Status = resp.StatusCode
	}
	c.mu.Lock()
	wc.Name = c.names[u]
	c.last[u] = wc
	c.mu.Unlock()
	return resp, err
}

// snapshot returns the last contact with each witness, by name.
func (c *witnessContacts) snapshot() []WitnessContact {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []WitnessContact
	for _, wc := range c.last {
		out = append(out, *wc)
	}
	slices.SortFunc(out, func(a, b WitnessContact) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// checkpointSize reads the tree size of a checkpoint without verifying it.
func checkpointSize(raw []byte) (uint64, error) {
	_, rest, ok := bytes.Cut(raw, []byte("\n"))
	line, _, ok2 := bytes.Cut(rest, []byte("\n"))
	if !ok || !ok2 {
		return 0, errors.New("not a checkpoint")
	}
	n, err := strconv.ParseUint(string(line), 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != string(line) {
		return 0, errors.New("not a checkpoint: bad tree size")
	}
	return n, nil
}

// StaticPolicies is a fixed set of policies that every checkpoint must
// satisfy, whatever its size.
type StaticPolicies []*Policy

// For returns the policies.
func (s StaticPolicies) For(uint64) ([]*Policy, bool) { return s, true }

// Witnesses returns the policies' witnesses.
func (s StaticPolicies) Witnesses() []*Witness {
	var ws []*Witness
	for _, p := range s {
		ws = append(ws, p.Witnesses...)
	}
	return ws
}
