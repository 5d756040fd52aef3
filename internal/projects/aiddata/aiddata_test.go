package aiddata_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kongsi/kongsi/internal/projects/aiddata"
)

const header = "id,AidData TUFF Project ID,Recommended For Aggregates,Umbrella,Title,Status,Implementation Start Year,Completion Year,Flow Type,Flow Class,AidData Sector Name,Commitment Year,Funding Agencies,Receiving Agencies,Implementing Agencies,Recipient,Amount (Constant USD2017),Planned Implementation Start Date (MM/DD/YYYY),Planned Completion Date (MM/DD/YYYY),Actual Implementation Start Date (MM/DD/YYYY),Actual Completion Date (MM/DD/YYYY),finance_type,viz_geojson_url,recipient_iso3,bbox_center_lon,bbox_center_lat\n"

const good = `34188,34188,Yes,No,"Grant for a fertilizer plant, phase 2",Completion,2000.0,2002.0,Grant,ODA-like,"INDUSTRY, MINING, CONSTRUCTION",2000,China Ministry of Commerce,Government of Viet Nam,Anyang Chemical|Ha Bac Fertilizer,Viet Nam,23968990.89,,,2000-11-23T00:00:00,2002-08-16T00:00:00,development,https://example.org/34188,VNM,106.20218,21.3025` + "\n"

func TestReadsRows(t *testing.T) {
	rd, err := aiddata.NewReader(strings.NewReader(header + good))
	if err != nil {
		t.Fatal(err)
	}
	r, err := rd.Read()
	if err != nil {
		t.Fatal(err)
	}
	if r.Line != 2 || r.ID != "34188" || !r.Recommended || r.Umbrella || r.Status != "Completion" || r.CommitmentYear != 2000 ||
		len(r.Implementers) != 2 || r.AmountUSD2017 == nil || *r.AmountUSD2017 != 23968990.89 || r.ActualStart != "2000-11-23" ||
		r.RecipientISO3 != "VNM" || r.Center == nil || r.Center[0] != 106.20218 || r.Title != "Grant for a fertilizer plant, phase 2" {
		t.Errorf("row = %+v", r)
	}
	if _, err := rd.Read(); err != io.EOF {
		t.Errorf("after the last row: %v", err)
	}
}

func TestRefusesMalformedRows(t *testing.T) {
	row := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	for _, tc := range []struct {
		name, data string
		line, col  int
		field      string
	}{
		{"unknown status", header + row("Completion", "Finished"), 2, 0, "Status"},
		{"bad amount", header + row("23968990.89", "a lot"), 2, 0, "Amount (Constant USD2017)"},
		{"bad date", header + row("2000-11-23T00:00:00", "23 Nov 2000"), 2, 0, "Actual Implementation Start Date (MM/DD/YYYY)"},
		{"bad year", header + row(",2000,China", ",two thousand,China"), 2, 0, "Commitment Year"},
		{"longitude out of range", header + row("106.20218", "206.2"), 2, 0, "bbox_center_lon"},
		{"empty title", header + row(`"Grant for a fertilizer plant, phase 2"`, ""), 2, 0, "Title"},
		{"yes or no", header + row("Yes,No", "Maybe,No"), 2, 0, "Recommended For Aggregates"},
		{"not a number id", header + row("34188,34188", "x,34188"), 2, 1, "id"},
		{"second row", header + good + row("Grant,ODA", "Gift,ODA"), 3, 0, "Flow Type"},
		{"too few fields", header + "1,2,3\n", 2, 1, ""},
		{"bare quote", header + good + `1,1,Yes,No,a "b" c,Completion` + "\n", 3, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := aiddata.NewReader(strings.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			for {
				_, err = rd.Read()
				if err != nil {
					break
				}
			}
			var e *aiddata.Error
			if !errors.As(err, &e) || e.Line != tc.line || e.Field != tc.field || (tc.col > 0 && e.Column != tc.col) || e.Column < 1 {
				t.Fatalf("error %v (%+v), want line %d field %q", err, e, tc.line, tc.field)
			}
			if !strings.Contains(err.Error(), "line ") || !strings.Contains(err.Error(), "column ") {
				t.Errorf("the error does not say where: %v", err)
			}
		})
	}
}

func TestRefusesBadHeaders(t *testing.T) {
	for _, data := range []string{"", "id,Title\n1,x\n", strings.Replace(header, ",bbox_center_lat", "", 1), "id,id," + header} {
		if _, err := aiddata.NewReader(strings.NewReader(data)); err == nil {
			t.Errorf("header %q accepted", data[:min(len(data), 40)])
		}
	}
}

// TestReadsTheDataset reads AidData's files in ../shared/data when present.
func TestReadsTheDataset(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "..", "shared", "data", "aiddata-gcdf2-asean")
	for _, tc := range []struct {
		file string
		rows int
	}{
		{"gcdf2_geocoded_asean_projects.csv", 410},
		{"gcdf2_geocoded_global_final_df.csv", 3325},
	} {
		f, err := os.Open(filepath.Join(dir, tc.file))
		if err != nil {
			t.Skipf("AidData's dataset is not at %s: %v", dir, err)
		}
		defer f.Close()
		rd, err := aiddata.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		n, centres := 0, 0
		for {
			r, err := rd.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			n++
			if r.Center != nil {
				centres++
			}
		}
		if n != tc.rows {
			t.Errorf("%s: %d rows, want %d", tc.file, n, tc.rows)
		}
		if tc.file == "gcdf2_geocoded_asean_projects.csv" && centres != n {
			t.Errorf("%s: %d of %d rows have a centre", tc.file, centres, n)
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(header + good))
	f.Add([]byte(header + "1,2,3\n"))
	f.Add([]byte(header + `"unterminated`))
	f.Add([]byte("id\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := aiddata.NewReader(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			r, err := rd.Read()
			if err == io.EOF {
				return
			}
			var e *aiddata.Error
			if err != nil {
				if !errors.As(err, &e) || e.Line < 1 || e.Column < 1 {
					t.Fatalf("error without a place: %v", err)
				}
				continue
			}
			if r.ID == "" || r.Title == "" || r.Line < 2 {
				t.Fatalf("accepted a row without id or title: %+v", r)
			}
		}
	})
}
