package main

import (
	"context"
	"net/http"
	"time"

	"github.com/kongsi/kongsi/internal/publish"
)

// httpClient is used to reach registers and logs.
var httpClient = &http.Client{Timeout: 60 * time.Second}

// register is the API of the register at base.
func registerOf(base string) *publish.Client { return &publish.Client{Base: base, HTTP: httpClient} }

// latestVersion asks a register's writer for the ID of a subject's latest
// version, published or not; ok is false when the subject has no records.
func latestVersion(ctx context.Context, base, subject string) (id string, ok bool, err error) {
	rid, ok, err := registerOf(base).Head(ctx, subject)
	if err != nil || !ok {
		return "", false, err
	}
	return rid.String(), true, nil
}
