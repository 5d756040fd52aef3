package tradefile

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func readAll(t testing.TB, format, text string) ([]Row, *Checked, error) {
	t.Helper()
	f, ok := FormatByName(format)
	if !ok {
		t.Fatalf("no format %q", format)
	}
	var rows []Row
	c, err := Check(f, strings.NewReader(text), func(r *Row) error {
		rows = append(rows, *r)
		return nil
	})
	return rows, c, err
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		name, format, text string
		rows               int
		first              string // reporter partner year month flow level hs value qty
		skipped            int
	}{
		{"dots", "dots", "reporter_iso3,reporter_name,flow,partner_name,year,value_usd_millions,source_file\n" +
			"CHN,\"China, P.R.: Mainland\",exports_fob,Vietnam,2020,114.5,x\n" +
			"VNM,Vietnam,imports_cif,\"China, P.R.: Mainland\",2020,84.2,x\n" +
			"VNM,Vietnam,imports_cif,World,2020,262.7,x\n",
			2, "CHN VNM 2020 0 X 0 0 1.145e+08 NaN", 1},
		{"comtrade", "comtrade", "refYear,refMonth,period,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,partner2Code,classificationCode,cmdCode,customsCode,motCode,qtyUnitAbbr,qty,netWgt,cifvalue,fobvalue,primaryValue\n" +
			"2023,52,2023,702,SGP,M,156,CHN,0,H6,85,C00,0,N/A,0,,1000,,1000\n" +
			"2023,52,2023,702,SGP,X,156,CHN,0,H6,84,C00,0,kg,12.5,,,40,40\n" +
			"2023,52,2023,702,SGP,M,0,W00,0,H6,85,C00,0,N/A,0,,9000,,9000\n" +
			"2023,52,2023,702,SGP,RX,156,CHN,0,H6,85,C00,0,N/A,0,,5,,5\n" +
			"2023,52,2023,702,SGP,M,156,CHN,344,H6,85,C00,0,N/A,0,,7,,7\n",
			2, "SGP CHN 2023 0 M 2 85 1000 NaN", 3},
		{"comtrade weight", "comtrade", "period,reporterCode,flowCode,partnerCode,cmdCode,netWgt,primaryValue\n202401,156,X,704,380110,2500,9000\n",
			1, "CHN VNM 2024 1 X 6 380110 9000 2500", 0},
		{"baci", "baci", "t,i,j,k,v,q\n2022,156,704,10121,1.5,NA\n2022,704,156,850110,2000,3.25\n",
			2, "CHN VNM 2022 0 X 6 10121 1500 NaN", 0},
		{"wits", "wits", "Nomenclature,ReporterISO3,ProductCode,ReporterName,PartnerISO3,PartnerName,Year,TradeFlowName,TradeFlowCode,TradeValue in 1000 USD\n" +
			"H6,SGP,91,Singapore,MYS,Malaysia,2023,Export,6,477741.105\n" +
			"H6,SGP,91,Singapore,WLD,World,2023,Export,6,900000\n",
			1, "SGP MYS 2023 0 X 2 91 4.77741105e+08 NaN", 1},
		{"csv", "csv", "reporter,partner,year,month,flow,hs,value_usd,quantity_kg\nvnm,CHN,2024,12,M,380110,4960000,1200000\nVNM,CHN,2024,11,M,380110,700000,\n",
			2, "VNM CHN 2024 12 M 6 380110 4.96e+06 1.2e+06", 0},
		{"csv totals, columns reordered", "csv", "flow,value_usd,year,partner,reporter\r\nX,1,2020,VNM,CHN\r\n\r\n",
			1, "CHN VNM 2020 0 X 0 0 1 NaN", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, c, err := readAll(t, tc.format, tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tc.rows || c.Rows != int64(tc.rows) {
				t.Fatalf("%d rows (%d counted), want %d", len(rows), c.Rows, tc.rows)
			}
			if got := rowString(rows[0]); got != tc.first {
				t.Errorf("first row %q, want %q", got, tc.first)
			}
			n := 0
			for _, s := range c.Skipped {
				n += s.Rows
			}
			if n != tc.skipped {
				t.Errorf("skipped %d (%v), want %d", n, c.Skipped, tc.skipped)
			}
			if c.SHA256 == "" || c.Size != int64(len(tc.text)) {
				t.Errorf("checksum %q, size %d", c.SHA256, c.Size)
			}
		})
	}
}

func rowString(r Row) string {
	return strings.Join([]string{r.Reporter.Alpha3(), r.Partner.Alpha3(), strconv.Itoa(int(r.Year)), strconv.Itoa(int(r.Month)),
		r.Flow.String(), strconv.Itoa(int(r.Level)), strconv.Itoa(int(r.HS)), strconv.FormatFloat(r.Value, 'g', -1, 64),
		strconv.FormatFloat(r.Qty, 'g', -1, 64)}, " ")
}

// TestRefusals checks that each kind of malformed file is refused with the
// line, the column and the rule.
func TestRefusals(t *testing.T) {
	const csvHead = "reporter,partner,year,month,flow,hs,value_usd,quantity_kg\n"
	const good = "VNM,CHN,2024,1,M,85,10,\n"
	for _, tc := range []struct {
		name, format, text string
		line, col          int
		rule               string
	}{
		{"empty", "csv", "", 1, 0, "file.empty"},
		{"header only", "csv", csvHead, 0, 0, "file.no-rows"},
		{"missing column", "csv", "reporter,partner,year,flow\nVNM,CHN,2024,M\n", 1, 0, "header.column"},
		{"unknown column", "csv", "reporter,partner,year,flow,value_usd,colour\nVNM,CHN,2024,M,1,red\n", 1, 6, "header.column"},
		{"unknown reporter", "csv", csvHead + good + "XXX,CHN,2024,1,M,85,10,\n", 3, 1, "country.unknown"},
		{"unknown partner", "csv", csvHead + "VNM,Atlantis,2024,1,M,85,10,\n", 2, 2, "country.unknown"},
		{"self", "csv", csvHead + "VNM,VNM,2024,1,M,85,10,\n", 2, 2, "partner.self"},
		{"year", "csv", csvHead + "VNM,CHN,24,1,M,85,10,\n", 2, 3, "period.year"},
		{"month", "csv", csvHead + "VNM,CHN,2024,13,M,85,10,\n", 2, 4, "period.month"},
		{"flow", "csv", csvHead + "VNM,CHN,2024,1,import,85,10,\n", 2, 5, "flow"},
		{"hs code", "csv", csvHead + "VNM,CHN,2024,1,M,8a,10,\n", 2, 6, "hs.code"},
		{"hs chapter 77", "csv", csvHead + "VNM,CHN,2024,1,M,7701,10,\n", 2, 6, "hs.code"},
		{"mixed levels", "csv", csvHead + good + good + "VNM,CHN,2024,1,M,8501,10,\n", 4, 6, "hs.mixed-levels"},
		{"value", "csv", csvHead + "VNM,CHN,2024,1,M,85,ten,\n", 2, 7, "value.number"},
		{"mixed frequency", "csv", csvHead + good + "VNM,CHN,2024,,M,85,10,\n", 3, 4, "period.mixed-frequency"},
		{"negative value", "csv", csvHead + "VNM,CHN,2024,1,M,85,-5,\n", 2, 7, "value.negative"},
		{"NaN value", "csv", csvHead + "VNM,CHN,2024,1,M,85,NaN,\n", 2, 7, "value.number"},
		{"quantity", "csv", csvHead + "VNM,CHN,2024,1,M,85,5,lots\n", 2, 8, "quantity.number"},
		{"columns", "csv", csvHead + good + "VNM,CHN,2024\n", 3, 0, "csv.columns"},
		{"bare quote", "csv", csvHead + "VNM,C\"HN,2024,1,M,85,10,\n", 2, 2, "csv.quote"},
		{"text after quote", "csv", csvHead + "VNM,\"CHN\"x,2024,1,M,85,10,\n", 2, 2, "csv.quote"},
		{"open quote", "csv", csvHead + good + "VNM,\"CHN,2024,1,M,85,10,\n", 3, 2, "csv.quote"},
		{"dots unknown partner", "dots", "reporter_iso3,flow,partner_name,year,value_usd_millions\nCHN,exports_fob,Atlantis,2020,1\n", 2, 3, "country.unknown"},
		{"dots flow", "dots", "reporter_iso3,flow,partner_name,year,value_usd_millions\nCHN,exports,Vietnam,2020,1\n", 2, 2, "flow"},
		{"comtrade flow", "comtrade", "period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n2024,156,Q,704,85,1\n", 2, 3, "flow"},
		{"comtrade reporter group", "comtrade", "period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n2024,0,X,704,85,1\n", 2, 2, "country.group"},
		{"comtrade unknown code", "comtrade", "period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n2024,156,X,999,85,1\n", 2, 4, "country.unknown"},
		{"comtrade period", "comtrade", "period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n20241,156,X,704,85,1\n", 2, 1, "period"},
		{"comtrade SITC", "comtrade", "period,reporterCode,flowCode,partnerCode,classificationCode,cmdCode,primaryValue\n2024,156,X,704,S4,85,1\n", 2, 5, "classification"},
		{"comtrade no period", "comtrade", "reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n156,X,704,85,1\n", 1, 0, "header.column"},
		{"baci level", "baci", "t,i,j,k,v,q\n2022,156,704,8501,1,1\n", 2, 4, "hs.level"},
		{"baci group", "baci", "t,i,j,k,v,q\n2022,156,0,850110,1,1\n", 2, 3, "country.group"},
		{"wits partner", "wits", "ReporterISO3,PartnerISO3,ProductCode,Year,TradeFlowName,TradeValue in 1000 USD\nSGP,ATL,85,2023,Export,1\n", 2, 2, "country.unknown"},
		{"wits flow", "wits", "ReporterISO3,PartnerISO3,ProductCode,Year,TradeFlowName,TradeValue in 1000 USD\nSGP,CHN,85,2023,Sideways,1\n", 2, 5, "flow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.format, tc.text)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *tradefile.Error", err)
			}
			if fe.Line != tc.line || fe.Column != tc.col || fe.Rule != tc.rule {
				t.Errorf("line %d, column %d, rule %q (%v); want line %d, column %d, rule %q", fe.Line, fe.Column, fe.Rule, fe, tc.line, tc.col, tc.rule)
			}
			if tc.col > 0 && fe.Name == "" {
				t.Errorf("the error does not name the column: %v", fe)
			}
		})
	}
}

func TestScannerQuotes(t *testing.T) {
	text := "a,b,c\n\"x, y\",\"he said \"\"hi\"\"\",z\n\"multi\nline\",2,\n1,2,3"
	sc := newScanner(strings.NewReader(text))
	var got [][]string
	var lines []int
	for {
		err := sc.Scan()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var rec []string
		for _, f := range sc.fields {
			rec = append(rec, string(f))
		}
		got = append(got, rec)
		lines = append(lines, sc.line)
	}
	want := [][]string{{"a", "b", "c"}, {"x, y", `he said "hi"`, "z"}, {"multi\nline", "2", ""}, {"1", "2", "3"}}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, got[i], want[i])
		}
	}
	if lines[3] != 5 {
		t.Errorf("the last record starts on line %d, want 5", lines[3])
	}
}

func TestParseFloat(t *testing.T) {
	for _, s := range []string{"0", "1", "0.5", "0.05", "123.456", "4115606484", "5597820965.123", ".5", "1.", "-2.25", " 7 ",
		"1e5", "1.5E-3", "12345678901234567890", "0.1234567890123456789", "00012.5000", "1000000.000001"} {
		want, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		got, ok := parseFloat([]byte(s))
		if err != nil || !ok || got != want {
			t.Errorf("parseFloat(%q) = %v, %v; strconv says %v, %v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"", ".", "-", "abc", "1,5", "NaN", "Inf", "1..2", "1e", "--1"} {
		if v, ok := parseFloat([]byte(s)); ok {
			t.Errorf("parseFloat(%q) = %v, want a refusal", s, v)
		}
	}
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"1", "0.5", "123.456", "1e5", "-0", ".5", "99999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseFloat([]byte(s))
		want, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(want) || math.IsInf(want, 0) {
			if ok && err != nil {
				t.Fatalf("parseFloat(%q) = %v, strconv refuses it: %v", s, got, err)
			}
			return
		}
		if strings.ContainsAny(s, "_xXpP") {
			return // strconv's Go syntax extensions; files never use them
		}
		if !ok || got != want {
			t.Fatalf("parseFloat(%q) = %v, %v; want %v", s, got, ok, want)
		}
	})
}

// fuzzFormat feeds arbitrary text to a format's reader: it must never panic,
// and every refusal must be an *Error.
func fuzzFormat(f *testing.F, format string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	fm, _ := FormatByName(format)
	f.Fuzz(func(t *testing.T, text string) {
		_, err := Check(fm, strings.NewReader(text), nil)
		var fe *Error
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("error %v (%T) is not a *tradefile.Error", err, err)
		}
	})
}

func FuzzCSV(f *testing.F) {
	fuzzFormat(f, "csv", "reporter,partner,year,month,flow,hs,value_usd,quantity_kg\nVNM,CHN,2024,1,M,85,10,\n",
		"flow,value_usd,year,partner,reporter\nX,1,2020,VNM,CHN\n", "reporter,partner,year,flow,value_usd\n\"VNM\",\"C\"\"N\",2020,X,1\n")
}

func FuzzDOTS(f *testing.F) {
	fuzzFormat(f, "dots", "reporter_iso3,flow,partner_name,year,value_usd_millions\nCHN,exports_fob,Vietnam,2020,1\n",
		"reporter_iso3,flow,partner_name,year,value_usd_millions\nCHN,imports_cif,\"Korea, Rep. of\",2020,1.5\nCHN,exports_fob,World,2020,9\n")
}

func FuzzComtrade(f *testing.F) {
	fuzzFormat(f, "comtrade", "refYear,refMonth,reporterCode,flowCode,partnerCode,partner2Code,cmdCode,netWgt,qty,qtyUnitAbbr,primaryValue\n2023,52,702,M,156,0,85,,0,N/A,1000\n",
		"period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n202401,156,X,704,380110,9000\n")
}

func FuzzBACI(f *testing.F) {
	fuzzFormat(f, "baci", "t,i,j,k,v,q\n2022,156,704,10121,1.5,NA\n2022,704,156,850110,2000,3.25\n")
}

func FuzzWITS(f *testing.F) {
	fuzzFormat(f, "wits", "Nomenclature,ReporterISO3,ProductCode,PartnerISO3,Year,TradeFlowName,TradeValue in 1000 USD\nH6,SGP,91,MYS,2023,Export,477741.105\n")
}

// shared opens a file of the shared data, or skips the test.
func shared(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.Open("../../../../shared/data/" + path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("the shared data file %s is not here", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestSharedDOTS reads the whole IMF DOTS extract and checks figures its
// notes give: China's exports to Viet Nam in 2020 as China reports them,
// and Viet Nam's imports from China as Viet Nam does.
func TestSharedDOTS(t *testing.T) {
	f := shared(t, "imf-dots-asean-china/dots_annual_china_asean_reporters.csv")
	var chnToVnm, vnmFromChn, chnToASEAN float64
	asean := map[string]bool{"BRN": true, "KHM": true, "IDN": true, "LAO": true, "MYS": true, "MMR": true, "PHL": true, "SGP": true, "THA": true, "VNM": true}
	c, err := Check(dotsFormat, f, func(r *Row) error {
		if r.Year == 2020 && r.Reporter.Alpha3() == "CHN" && r.Flow == Export {
			if r.Partner.Alpha3() == "VNM" {
				chnToVnm += r.Value
			}
			if asean[r.Partner.Alpha3()] {
				chnToASEAN += r.Value
			}
		}
		if r.Year == 2020 && r.Reporter.Alpha3() == "VNM" && r.Partner.Alpha3() == "CHN" && r.Flow == Import {
			vnmFromChn += r.Value
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, s := range c.Skipped {
		skipped += s.Rows
	}
	if c.Rows+int64(skipped) != 166662 {
		t.Errorf("%d rows loaded and %d skipped, the file has 166,662", c.Rows, skipped)
	}
	if len(c.Reporters) != 14 || c.YearFrom != 1960 || c.YearTo != 2020 || c.Level != 0 || !c.Annual || c.Monthly {
		t.Errorf("summary %+v", c.Summary)
	}
	for _, tc := range []struct {
		name      string
		got, want float64 // US$ billions, as the data's notes give them
	}{
		{"China's exports to Viet Nam, 2020", chnToVnm / 1e9, 114.16},
		{"Viet Nam's imports from China, 2020", vnmFromChn / 1e9, 84.37},
		{"China's exports to ASEAN, 2020", chnToASEAN / 1e9, 385.41},
	} {
		if math.Abs(tc.got-tc.want) > 0.01 {
			t.Errorf("%s: %.3f bn, the notes say %.2f bn", tc.name, tc.got, tc.want)
		}
	}
}

// TestSharedComtradeAndWITS reads the real UN Comtrade v1 and WITS files.
func TestSharedComtradeAndWITS(t *testing.T) {
	for _, tc := range []struct {
		format, path string
		rows         int64
		flows        string
	}{
		{"comtrade", "comtrade-hs-extracts/sgp_comtrade_v1_imports_hs2_top10.csv", 990, "M"},
		{"comtrade", "comtrade-hs-extracts/sgp_comtrade_v1_exports_hs2_top10.csv", 990, "X"},
		{"wits", "comtrade-hs-extracts/sgp_wits_hs2_by_partner_2022_2023.csv", 3343, "X M"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			fm, _ := FormatByName(tc.format)
			c, err := Check(fm, shared(t, tc.path), nil)
			if err != nil {
				t.Fatal(err)
			}
			if c.Rows != tc.rows || c.Level != 2 || strings.Join(c.Flows, " ") != tc.flows || c.Reporters[0] != "SGP" || len(c.Reporters) != 1 {
				t.Errorf("summary %+v", c.Summary)
			}
			if c.Classification == "" {
				t.Error("no classification")
			}
		})
	}
}
