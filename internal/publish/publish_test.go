package publish_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/nodetest"
	"github.com/kongsi/kongsi/internal/publish"
)

func body(title string) map[string]any {
	return map[string]any{
		"topic": "Topic", "category": "other", "title": title, "text": "A position.",
		"stated_on": "2025-01-01", "language": "en", "sources": []any{map[string]any{"title": "A source"}},
	}
}

// testPublisher publishes two versions of a subject (the second naming the
// first as prev without being told) and has a refusal come back precisely.
func testPublisher(t *testing.T, e *nodetest.Env, pub publish.Publisher) {
	ctx := context.Background()
	if pub.Origin() != e.Node.Origin || pub.Author() != "khm.mfa" {
		t.Fatalf("origin %q, author %q", pub.Origin(), pub.Author())
	}
	i1, err := pub.Publish(ctx, declaration.Kind, "declarations/khm/p", body("First"))
	if err != nil {
		t.Fatal(err)
	}
	i2, err := pub.Publish(ctx, declaration.Kind, "declarations/khm/p", body("Second"))
	if err != nil {
		t.Fatalf("the second version: %v", err)
	}
	if i2 != i1+1 {
		t.Errorf("indices %d, %d", i1, i2)
	}
	h, err := e.Node.Sequencer.Head(ctx, "declarations/khm/p")
	if err != nil || h.Version != 2 {
		t.Fatalf("head %+v, %v", h, err)
	}
	_, err = pub.Publish(ctx, declaration.Kind, "declarations/vnm/p", body("Not ours"))
	var ae *publish.APIError
	if pub.Node() == nil && (!errors.As(err, &ae) || ae.Rule != "policy.author-state" || ae.Field != "author") {
		t.Fatalf("a refused record: %v", err)
	}
	if err == nil {
		t.Fatal("a refused record was published")
	}
}

func TestLocal(t *testing.T) {
	e := nodetest.New(t, declaration.New())
	testPublisher(t, e, &publish.Local{N: e.Node, Signer: e.F.Signers["khm.mfa"]})
}

func TestRemote(t *testing.T) {
	e := nodetest.New(t, declaration.New())
	r, err := publish.NewRemote(context.Background(), e.Server.URL, e.F.Signers["khm.mfa"], e.Server.Client())
	if err != nil {
		t.Fatal(err)
	}
	if r.Node() != nil || r.URL() != e.Server.URL {
		t.Errorf("a remote publisher: node %v, URL %q", r.Node(), r.URL())
	}
	testPublisher(t, e, r)
	if _, _, err := r.Client.Head(context.Background(), "declarations/khm/none"); err != nil {
		t.Errorf("Head of a subject without records: %v", err)
	}
	if _, err := publish.NewRemote(context.Background(), "http://127.0.0.1:1", e.F.Signers["khm.mfa"], e.Server.Client()); err == nil {
		t.Error("reached a register that is not there")
	}
}
