package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/mirror"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/web"
)

// fakeMirror reports a fixed status.
type fakeMirror struct{ status mirror.Status }

func (f *fakeMirror) Status() mirror.Status { return f.status }

// TestMirrorPages renders a mirror's pages and API, before and after a split
// view, and checks that the mirror's routes are documented.
func TestMirrorPages(t *testing.T) {
	e := nodetest.New(t, declaration.New())
	m := &fakeMirror{status: mirror.Status{Upstream: "https://register.example.org", Size: 1, UpstreamSize: 1, Seen: 3,
		Checkpoint: string(e.Checkpoint(1).Raw), Cosignatures: "verified: 2 of 2 of a, b", LastCheck: time.Now()}}
	site, err := web.New(e.Node, web.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Writer: "https://register.example.org/", Mirror: m})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/"); code != 200 || !strings.Contains(body, "A read-only mirror of") || strings.Contains(body, "Split view") {
		t.Fatalf("home: %d", code)
	}
	if code, body := get("/mirror"); code != 200 || !strings.Contains(body, "✓ No split view") || !strings.Contains(body, "verified: 2 of 2 of a, b") {
		t.Fatalf("mirror page: %d\n%s", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}

	m.status.SplitView = &mirror.SplitView{DetectedAt: time.Now(), Kind: "not-extending", Summary: "the log signed a tree of size 9 that does not extend the tree of size 5 the mirror holds",
		Held: "example\n5\nAAAA\n\n— example x\n", Conflicting: "example\n9\nBBBB\n\n— example y\n", Source: "https://register.example.org",
		ProofFrom: 5, ProofTo: 9, Proof: []string{"cHJvb2Y="}, ProofSource: "https://register.example.org (its tiles)", ProofError: "root mismatch"}
	code, body := get("/mirror")
	for _, want := range []string{"✗ Split view detected", "does not extend the tree of size 5", "The consistency proof that fails", "cHJvb2Y=", "root mismatch", "example\n9\nBBBB"} {
		if !strings.Contains(body, want) {
			t.Errorf("the split view page lacks %q", want)
		}
	}
	if code != http.StatusConflict {
		t.Errorf("the split view page answers %d", code)
	}
	if _, body := get("/"); !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "Split view detected") {
		t.Errorf("the home page does not alert to the split view")
	}
	code, body = get("/api/v1/mirror")
	var st mirror.Status
	if err := json.Unmarshal([]byte(body), &st); err != nil || code != http.StatusConflict || st.SplitView == nil || st.SplitView.ProofError != "root mismatch" {
		t.Fatalf("the mirror API: %d %v %s", code, err, body)
	}
	if code, _ := get("/healthz"); code != http.StatusServiceUnavailable {
		t.Fatalf("healthz after a split view: %d", code)
	}
	// The mirror's routes are documented.
	_, body = get("/api/v1/openapi.json")
	if !strings.Contains(body, `"/api/v1/mirror"`) {
		t.Errorf("the OpenAPI description lacks /api/v1/mirror")
	}
	for _, r := range site.APIRoutes() {
		_, path, _ := strings.Cut(r, " ")
		path = strings.ReplaceAll(path, "{subject...}", "{subject}")
		if !strings.Contains(body, `"`+path+`"`) {
			t.Errorf("%s is not documented", r)
		}
	}
}
