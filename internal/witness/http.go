package witness

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Handler serves the witness's API: POST /add-checkpoint (C2SP
// tlog-witness), and at GET / a plain-text page naming the witness, its key
// and the logs it witnesses, with the latest checkpoint it cosigned of each.
func (w *Witness) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /add-checkpoint", w.serveAddCheckpoint)
	mux.HandleFunc("GET /{$}", w.serveIndex)
	return mux
}

func (w *Witness) serveAddCheckpoint(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, MaxRequestSize))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		http.Error(rw, fmt.Sprintf("request too large: at most %d bytes", MaxRequestSize), http.StatusRequestEntityTooLarge)
		return
	}
	if err != nil {
		http.Error(rw, "couldn't read the request", http.StatusBadRequest)
		return
	}
	resp, code, err := w.AddCheckpoint(r.Context(), body)
	var ce *ConflictError
	if err != nil {
		level := w.logger.Info
		switch {
		case code >= 500:
			level = w.logger.Error
		case errors.As(err, &ce):
			// The log did not know the size this witness holds, as on
			// its first request after a restart: it asks again.
			level = w.logger.Debug
		}
		level("refused a checkpoint", "status", code, "error", err)
	}
	if code == http.StatusConflict && errors.As(err, &ce) {
		rw.Header().Set("Content-Type", "text/x.tlog.size")
	} else {
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	rw.WriteHeader(code)
	rw.Write(resp)
}

func (w *Witness) serveIndex(rw http.ResponseWriter, r *http.Request) {
	logs, err := w.store.Logs(r.Context())
	if err != nil {
		w.logger.Error("couldn't list the logs", "error", err)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	fmt.Fprintf(rw, "A C2SP tlog-witness: POST checkpoints to /add-checkpoint.\n\nname %s\nkey  %s\n\n", w.key.Name, w.key)
	if len(logs) == 0 {
		fmt.Fprintln(rw, "It witnesses no log yet.")
		return
	}
	fmt.Fprintf(rw, "It witnesses %d log(s); the latest checkpoint it cosigned of each:\n\n", len(logs))
	for _, l := range logs {
		fmt.Fprintf(rw, "%s\n  size %d, root %s, cosigned %s\n", l.Origin, l.Size, base64.StdEncoding.EncodeToString(l.Hash), l.Updated.Format(time.RFC3339))
	}
}
