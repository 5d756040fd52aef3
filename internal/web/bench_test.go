package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kongsi/kongsi/internal/declaration"
	"github.com/kongsi/kongsi/internal/nodetest"
)

// BenchmarkRequests measures handlers in-process, without the network.
func BenchmarkRequests(b *testing.B) {
	e := nodetest.New(b, declaration.New())
	var entries [][]byte
	for i := range 200 {
		entries = append(entries, e.F.Sign(b, "vnm.mfa", declaration.Kind, fmt.Sprintf("declarations/vnm/t%d", i), declBody(fmt.Sprintf("Position %d", i))))
	}
	e.Submit(entries...)
	h := e.Site.Handler()
	for _, path := range []string{"/api/v1/records/57", "/api/v1/records?limit=20", "/api/v1/records?q=position", "/api/v1/parties", "/records/57", "/", "/records", "/declarations", "/parties", "/parties/vnm"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, w.Code)
				}
				io.Copy(io.Discard, w.Body)
			}
		})
	}
}
