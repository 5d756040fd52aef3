package web

import (
	"net/http"

	"github.com/kongsi/kongsi/internal/mirror"
)

type mirrorData struct {
	Status mirror.Status
}

func (s *Site) mirrorPage(w http.ResponseWriter, r *http.Request) error {
	st := s.Mirror.Status()
	status := http.StatusOK
	if st.SplitView != nil {
		// The page still shows, with the evidence; the status tells
		// monitors that something is wrong.
		status = http.StatusConflict
	}
	return s.Render(w, r, status, "mirror", mirrorData{Status: st})
}

func (s *Site) apiMirror(w http.ResponseWriter, r *http.Request) error {
	st := s.Mirror.Status()
	status := http.StatusOK
	if st.SplitView != nil {
		status = http.StatusConflict
	}
	return WriteJSON(w, status, st)
}

func mirrorPaths() map[string]any {
	sv := obj(map[string]any{
		"detected_at": Str, "kind": map[string]any{"enum": []string{"same-size", "not-extending", "not-a-prefix"}}, "summary": Str,
		"held_checkpoint": Str, "conflicting_checkpoint": Str, "source": Str,
		"proof_from": Int, "proof_to": Int, "proof": map[string]any{"type": "array", "items": Str}, "proof_source": Str, "proof_error": Str,
	})
	status := obj(map[string]any{
		"upstream": Str, "size": Int, "checkpoint": Str, "upstream_size": Int, "last_check": Str, "last_advance": Str,
		"cosignatures": Str, "waiting": Str, "error": Str, "checkpoints_seen": Int, "split_view": sv,
	})
	return map[string]any{
		"/api/v1/mirror": map[string]any{"get": map[string]any{
			"summary": "This mirror's state: the upstream it copies, how far it has copied, and the evidence of a split view if it detected one.",
			"responses": map[string]any{
				"200": JSONResponse("The mirror follows its upstream.", status),
				"409": JSONResponse("The mirror detected a split view and stopped advancing; split_view holds the evidence.", status),
			},
		}},
	}
}
