package security_test

import (
	"math"
	"testing"

	"github.com/kongsi/kongsi/internal/security"
)

func TestMeasure(t *testing.T) {
	pc := func(state, status, decision, requested, decided string) security.PortCallFact {
		return security.PortCallFact{Subject: "portcalls/khm/" + state, Requester: state, Status: status, Decision: decision, Arrival: "2025-04-01", RequestedOn: requested, DecidedOn: decided}
	}
	o := security.Measure([]security.PortCallFact{
		pc("JPN", "completed", "approved", "2025-03-01", "2025-03-11"),
		pc("JPN", "completed", "approved", "2025-03-01", "2025-03-05"),
		pc("VNM", "completed", "approved", "", ""),
		pc("RUS", "completed", "approved", "2025-03-01", "2025-03-03"),
		pc("USA", "declined", "declined", "2025-03-01", "2025-03-31"),
		pc("USA", "requested", "", "2025-03-20", ""),
	})
	if o.Visits != 4 || o.DistinctStates != 3 || o.RequestCount != 6 {
		t.Fatalf("visits %d, states %d, requests %d", o.Visits, o.DistinctStates, o.RequestCount)
	}
	// Shares 50%, 25%, 25%: HHI = 2500 + 625 + 625.
	if o.HHI == nil || math.Abs(*o.HHI-3750) > 1e-9 || o.TopState != "JPN" || *o.TopShare != 0.5 {
		t.Errorf("HHI %v, top %s %v", o.HHI, o.TopState, o.TopShare)
	}
	if want := "HHI = 50² (JPN) + 25² (RUS) + 25² (VNM) = 3,750"; o.HHIFormula != want {
		t.Errorf("formula %q, want %q", o.HHIFormula, want)
	}
	// 4 approved of 5 decided; response days 10, 4, 2, 30: median 7.
	if o.ApprovalRate == nil || *o.ApprovalRate != 0.8 || o.MedianResponseDays == nil || *o.MedianResponseDays != 7 {
		t.Errorf("approval %v, median %v", o.ApprovalRate, o.MedianResponseDays)
	}
	var usa *security.StateRequests
	for i := range o.Requests {
		if o.Requests[i].State == "USA" {
			usa = &o.Requests[i]
		}
	}
	if usa == nil || usa.Requests != 2 || usa.Pending != 1 || usa.Declined != 1 || *usa.ApprovalRate != 0 || *usa.MedianResponseDays != 30 {
		t.Errorf("USA: %+v", usa)
	}
	empty := security.Measure(nil)
	if empty.HHI != nil || empty.ApprovalRate != nil || empty.MedianResponseDays != nil || empty.Inputs == nil {
		t.Errorf("empty: %+v", empty)
	}
	tie := security.Measure([]security.PortCallFact{pc("VNM", "completed", "approved", "", ""), pc("JPN", "completed", "approved", "", "")})
	if tie.TopState != "JPN" || tie.TopTied != 1 || *tie.HHI != 5000 {
		t.Errorf("a tie: top %s tied with %d, HHI %v", tie.TopState, tie.TopTied, *tie.HHI)
	}
	if o.TopTied != 0 {
		t.Errorf("JPN leads alone, but TopTied = %d", o.TopTied)
	}
	one := security.Measure([]security.PortCallFact{pc("JPN", "completed", "approved", "", "")})
	if *one.HHI != 10000 {
		t.Errorf("one state's HHI = %v", *one.HHI)
	}
}
