package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/kongsi/kongsi/internal/web"
)

// httpClient is used to reach registers and logs.
var httpClient = &http.Client{Timeout: 60 * time.Second}

// apiError is a refusal from a register's API.
type apiError struct {
	Status int
	web.ErrorDetail
}

func (e *apiError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s", e.Field)
		if e.Rule != "" {
			fmt.Fprintf(&b, ", rule %s", e.Rule)
		}
		b.WriteString(")")
	} else if e.Rule != "" {
		fmt.Fprintf(&b, " (rule %s)", e.Rule)
	}
	return b.String()
}

// call makes an API request and decodes the JSON answer into out.
func call(ctx context.Context, method, url, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var eb web.ErrorBody
		if json.Unmarshal(b, &eb) == nil && eb.Error.Message != "" {
			return &apiError{Status: resp.StatusCode, ErrorDetail: eb.Error}
		}
		return fmt.Errorf("%s %s: %s", method, url, resp.Status)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("couldn't read the answer of %s: %w", url, err)
	}
	return nil
}

// registerOrigin asks a register for its origin.
func registerOrigin(ctx context.Context, base string) (string, error) {
	var st web.LogStatus
	if err := call(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/api/v1/log", "", nil, &st); err != nil {
		return "", fmt.Errorf("couldn't reach the register at %s: %w", base, err)
	}
	return st.Origin, nil
}

// latestVersion asks a register's writer for the ID of a subject's latest
// version, published or not; ok is false when the subject has no records.
func latestVersion(ctx context.Context, base, subject string) (id string, ok bool, err error) {
	var h web.HeadJSON
	err = call(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/api/v1/heads/"+subject, "", nil, &h)
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return h.ID, true, nil
}
