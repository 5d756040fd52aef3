package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The browser tests drive the real binary's pages in headless Chromium: the
// main journeys of the public site and of the desk, with basic checks of
// accessibility on every page they visit. Screenshots of each step are kept
// in $KONGSI_SCREENSHOTS (a temporary directory by default, printed). Where
// Chromium is missing they are skipped, except in CI (CI=true), where they
// fail.

// chromium finds the browser: $KONGSI_CHROMIUM, or Debian's chromium.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("slow: starts servers and a browser")
	}
	if p := os.Getenv("KONGSI_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is missing: the browser tests need it in CI (apt-get install chromium)")
	}
	t.Skip("Chromium is missing: install Debian's chromium package (or set KONGSI_CHROMIUM) to run the browser tests")
	return ""
}

// browser is a headless Chromium tab with a place for screenshots.
type browser struct {
	t     *testing.T
	ctx   context.Context
	shots string
	n     int
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromium(t)
	shots := os.Getenv("KONGSI_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", shots)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1280, 900), chromedp.NoSandbox,
		chromedp.Flag("lang", "en-GB"), chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// Start the browser with a context that has no deadline: its life is
	// the test's.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("couldn't start Chromium (%s): %v", path, err)
	}
	return &browser{t: t, ctx: ctx, shots: shots}
}

// do runs actions, failing the test on error.
func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot(t, "failure")
		t.Fatalf("browser: %v", err)
	}
}

// open navigates to url and checks the answer's status.
func (b *browser) open(t *testing.T, url string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	if int(resp.Status) != status {
		b.shot(t, "failure")
		t.Fatalf("%s: status %d, want %d", url, resp.Status, status)
	}
}

// press clicks an element that leads to another page, waits for it, and
// checks its status.
func (b *browser) press(t *testing.T, sel string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.shot(t, "failure")
		t.Fatalf("clicking %s: %v", sel, err)
	}
	if int(resp.Status) != status {
		b.shot(t, "failure")
		t.Fatalf("after clicking %s: status %d, want %d", sel, resp.Status, status)
	}
}

// eval evaluates JavaScript in the page.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %.60q: %v", js, err)
	}
	return v
}

// text is the text of the first element matching sel.
func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	return eval[string](t, b, fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent`, sel))
}

// count is the number of elements matching sel.
func (b *browser) count(t *testing.T, sel string) int {
	t.Helper()
	return eval[int](t, b, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// contains checks that the element matching sel holds each text.
func (b *browser) contains(t *testing.T, sel string, texts ...string) {
	t.Helper()
	got := strings.Join(strings.Fields(b.text(t, sel)), " ")
	for _, want := range texts {
		if !strings.Contains(got, want) {
			b.shot(t, "failure")
			t.Errorf("%s lacks %q; it reads: %.400s", sel, want, got)
		}
	}
}

// shot saves a screenshot of the whole page.
func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("couldn't take a screenshot: %v", err)
		return
	}
	b.n++
	file := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, regexp.MustCompile(`[^a-z0-9-]+`).ReplaceAllString(strings.ToLower(name), "-")))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Errorf("couldn't save a screenshot: %v", err)
	}
}

//go:embed testdata/a11y.js
var a11yScript string

// accessible runs the accessibility checks on the page: one h1 and a lang
// attribute; a name for every form control, button and image; a title for
// every chart and map; WCAG AA contrast for the text of the main elements;
// and a visible outline on the element keyboard focus reaches first.
func (b *browser) accessible(t *testing.T) {
	t.Helper()
	for _, p := range eval[[]string](t, b, a11yScript) {
		t.Errorf("accessibility: %s", p)
	}
	// Tab from the top of the page: the first stop is the skip link,
	// whose focus must be seen.
	b.do(t, chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`), chromedp.KeyEvent(kb.Tab))
	outline := eval[string](t, b, `(() => { const e = document.activeElement; if (!e || e === document.body) return "nothing"; const s = getComputedStyle(e); const o = s.outlineStyle + " " + s.outlineWidth + " " + e.tagName + "." + e.className; e.blur(); return o; })()`)
	if f := strings.Fields(outline); len(f) < 2 || f[0] == "none" || f[0] == "nothing" || f[1] == "0px" {
		t.Errorf("accessibility: keyboard focus is not visible (outline %q)", outline)
	}
}

// visit opens a page, checks it, and keeps a screenshot.
func (b *browser) visit(t *testing.T, url, name string) {
	t.Helper()
	b.open(t, url, 200)
	b.accessible(t)
	b.shot(t, name)
}

// startDemo runs kongsi demo in a fresh directory and returns its URL and
// directory.
func startDemo(t *testing.T) (*server, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	return startKongsi(t, "demo", "-data", dir, "-addr", "127.0.0.1:0"), dir
}

// startDesk makes an account and runs a desk for the party whose demo key is
// named, against the register at reg.
func startDesk(t *testing.T, demoDir, party, reg, user, password string) *server {
	t.Helper()
	data := filepath.Join(t.TempDir(), "desk")
	add := exec.Command(binary, "desk", "adduser", "-data", data, "-name", user, "-full-name", "Sokha Chan")
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("kongsi desk adduser: %v\n%s", err, out)
	}
	return startKongsi(t, "desk", "-key", filepath.Join(demoDir, "demo-keys", party+".key"), "-register", reg,
		"-data", data, "-addr", "127.0.0.1:0")
}

// TestBrowser drives the public site and the desk, against a demonstration
// register, in headless Chromium.
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	reg, dir := startDemo(t)
	t.Run("site", func(t *testing.T) { siteJourneys(t, b, reg.addr) })
	const user, password = "sokha", "correct horse battery staple"
	dk := startDesk(t, dir, "khm.mfaic", reg.addr, user, password)
	t.Run("language", func(t *testing.T) { languageJourneys(t, b, reg.addr, dk.addr) })
	t.Run("desk", func(t *testing.T) { deskJourneys(t, b, dk.addr, reg.addr, user, password) })
}

// catalog reads a package's translations into a language, for the words
// the language journeys expect.
func catalog(t *testing.T, pkg, code string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", pkg, "locales", code+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// languageJourneys switch the site's language with its switch, follow the
// choice from page to page, read the module pages in Thai and Vietnamese
// (checking them as in English, and that no text overflows the page), and
// the desk's sign-in page in Chinese; then switch back to English.
func languageJourneys(t *testing.T, b *browser, reg, desk string) {
	zh := catalog(t, "web", "zh")
	t.Run("switch", func(t *testing.T) {
		b.visit(t, reg+"/records", "site records in English")
		// The switch is a disclosure: open it from the keyboard, as a
		// reader without a mouse would, then follow the Chinese link.
		b.do(t, chromedp.Focus(chromedp.CSS("details.lang summary")), chromedp.KeyEvent(kb.Enter))
		if !eval[bool](t, b, `document.querySelector("details.lang").open`) {
			t.Fatal("the language switch does not open from the keyboard")
		}
		b.press(t, `details.lang a[hreflang="zh-Hans"]`, 200)
		if lang := eval[string](t, b, "document.documentElement.lang"); lang != "zh-Hans" {
			t.Errorf("html lang = %q after choosing Chinese", lang)
		}
		b.contains(t, "header nav", zh["Records"], zh["Parties"])
		b.contains(t, "main h1", zh["Records"])
		b.accessible(t)
		b.shot(t, "site records in Chinese")
	})
	t.Run("kept", func(t *testing.T) {
		// The choice follows the reader without the parameter.
		b.press(t, "table.records tbody tr td.num a", 200)
		if lang := eval[string](t, b, "document.documentElement.lang"); lang != "zh-Hans" {
			t.Errorf("html lang = %q on the next page", lang)
		}
		// A record stays in the language it was signed in: a declaration's
		// summary, its title, is the same in the page's heading as in the
		// register's JSON. (Kinds whose summaries add words to what the
		// record says have those words translated.)
		b.open(t, reg+"/records?kind=declaration", 200)
		if lang := eval[string](t, b, "document.documentElement.lang"); lang != "zh-Hans" {
			t.Errorf("html lang = %q on a page opened afresh", lang)
		}
		b.press(t, "table.records tbody tr td.num a", 200)
		h1 := b.text(t, "main h1")
		idx := eval[string](t, b, `location.pathname.split("/").pop()`)
		raw := eval[string](t, b, `(() => { const x = new XMLHttpRequest(); x.open("GET", "/api/v1/records/`+idx+`", false); x.send(); return x.responseText; })()`)
		if !strings.Contains(raw, strings.TrimSpace(h1)) {
			t.Errorf("the record's summary %q is not what it signed (%.300s)", h1, raw)
		}
		b.accessible(t)
		b.shot(t, "site record in Chinese")
	})
	for _, code := range []string{"th", "vi", "id", "ms"} {
		for _, p := range []struct{ path, name string }{
			{"/", "home"},
			{"/security", "security"},
			{"/projects", "projects"},
			{"/commitments", "commitments"},
			{"/trade", "trade"},
		} {
			if code != "th" && code != "vi" && p.path != "/" {
				continue
			}
			t.Run(code+" "+p.name, func(t *testing.T) {
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				b.visit(t, reg+p.path+sep+"lang="+code, "site "+p.name+" in "+code)
				if lang := eval[string](t, b, "document.documentElement.lang"); lang != code {
					t.Errorf("html lang = %q", lang)
				}
				want := catalog(t, "web", code)["Records"]
				b.contains(t, "header nav", want)
				if over := eval[string](t, b, `(() => {
					const w = document.documentElement.clientWidth;
					for (const el of document.querySelectorAll("main *, header *")) {
						const r = el.getBoundingClientRect();
						if (r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== "absolute" && !el.closest(".table-wrap, .scroll, pre, figure, svg, table")) return el.tagName + "." + el.className + " ends at " + Math.round(r.right) + " of " + w;
					}
					return "";
				})()`); over != "" {
					t.Errorf("text overflows the page: %s", over)
				}
			})
		}
	}
	t.Run("desk", func(t *testing.T) {
		b.visit(t, desk+"/?lang=zh", "desk sign in in Chinese")
		if lang := eval[string](t, b, "document.documentElement.lang"); lang != "zh-Hans" {
			t.Errorf("the desk's html lang = %q", lang)
		}
		b.contains(t, "main", catalog(t, "desk", "zh")["Sign in"])
	})
	t.Run("back to English", func(t *testing.T) {
		b.visit(t, reg+"/?lang=en", "site home in English again")
		b.contains(t, "header nav", "Records")
		if lang := eval[string](t, b, "document.documentElement.lang"); lang != "en" {
			t.Errorf("html lang = %q", lang)
		}
	})
}

func siteJourneys(t *testing.T, b *browser, reg string) {
	t.Run("home", func(t *testing.T) {
		b.visit(t, reg+"/", "site home")
		b.contains(t, "header nav", "Declarations", "Security", "Accountability", "Trade", "Records")
		// The checks find what they look for: an unlabelled control, pale
		// text and a second h1 added to the page are reported.
		planted := `(() => {
			const m = document.querySelector("main");
			m.insertAdjacentHTML("beforeend", '<p id="pale">Pale text</p><input id="bare"><h1 id="second">Second</h1>');
			document.getElementById("pale").style.color = "#bbb";
			const out = ` + a11yScript + `;
			for (const id of ["pale", "bare", "second"]) document.getElementById(id).remove();
			return out;
		})()`
		got := strings.Join(eval[[]string](t, b, planted), "\n")
		for _, want := range []string{"#pale", "#bare", "2 h1"} {
			if !strings.Contains(got, want) {
				t.Errorf("the accessibility checks missed a planted problem (%s); they found:\n%s", want, got)
			}
		}
	})
	t.Run("browse", func(t *testing.T) {
		b.visit(t, reg+"/records", "site records")
		b.do(t, chromedp.SetValue(chromedp.CSS("#f-kind"), "declaration"), chromedp.SendKeys(chromedp.CSS("#f-q"), "Ream"))
		b.press(t, "form.filters button[type=submit]", 200)
		if loc := eval[string](t, b, "location.search"); !strings.Contains(loc, "kind=declaration") || !strings.Contains(loc, "q=Ream") {
			t.Errorf("the filter went to %q", loc)
		}
		if n := b.count(t, "table.records tbody tr"); n == 0 {
			t.Fatal("no declaration mentions Ream")
		}
		b.contains(t, "table.records tbody", "Declaration")
		b.accessible(t)
		b.shot(t, "site records filtered")
	})
	t.Run("record", func(t *testing.T) {
		b.press(t, "table.records tbody tr td.num a", 200)
		b.contains(t, "main", "kongsi verify")
		if b.count(t, `main a[href*="/proof"]`) == 0 {
			t.Error("the record page has no link to its proof")
		}
		b.accessible(t)
		b.shot(t, "site record")
	})
	t.Run("history", func(t *testing.T) {
		b.visit(t, reg+"/declarations/khm/ream-naval-base", "site declaration history")
		b.contains(t, "main", "Changes from version")
		if b.count(t, "table.diff ins, table.diff del") == 0 {
			t.Error("the declaration's history shows no change")
		}
	})
	for _, p := range []struct{ path, name string }{
		{"/declarations", "declarations"},
		{"/security", "security"},
		{"/facilities", "facilities"},
		{"/portcalls", "port calls"},
		{"/projects", "projects"},
		{"/projects/map", "project map"},
		{"/projects/khm-phnom-penh-sihanoukville-expressway", "project"},
		{"/projects/report", "designation report"},
		{"/commitments", "commitments"},
		{"/board", "coordination board"},
		{"/trade", "trade dashboard"},
		{"/verify", "verify"},
	} {
		t.Run(p.name, func(t *testing.T) { b.visit(t, reg+p.path, "site "+p.name) })
	}
}

func deskJourneys(t *testing.T, b *browser, desk, reg, user, password string) {
	t.Run("sign in", func(t *testing.T) {
		b.visit(t, desk+"/", "desk sign in")
		b.do(t, chromedp.SendKeys(chromedp.CSS("#username"), user), chromedp.SendKeys(chromedp.CSS("#password"), "not the password"))
		b.press(t, "form.login button", 401)
		b.contains(t, "main .error", "The username or the password is wrong")
		b.shot(t, "desk wrong password")
		b.do(t, chromedp.SendKeys(chromedp.CSS("#password"), password))
		b.press(t, "form.login button", 200)
		b.contains(t, "header", "Signed in as")
		b.accessible(t)
		b.shot(t, "desk home")
	})
	subject := fmt.Sprintf("declarations/khm/desk-test-%d", rand.IntN(1_000_000))
	t.Run("compose", func(t *testing.T) {
		b.press(t, `a[href="/new?kind=declaration"]`, 200)
		b.accessible(t)
		b.do(t,
			chromedp.SetValue(chromedp.CSS("#subject"), subject),
			chromedp.SendKeys(chromedp.CSS(`[name="b/topic"]`), "Desk test"),
			chromedp.SetValue(chromedp.CSS(`[name="b/category"]`), "other"),
			chromedp.SendKeys(chromedp.CSS(`[name="b/title"]`), "A position written at the desk"),
			chromedp.SendKeys(chromedp.CSS(`[name="b/text"]`), "Cambodia states this position through its desk, to test the desk end to end."),
			chromedp.SetValue(chromedp.CSS(`[name="b/stated_on"]`), "2025-05-01"),
			// Two mistakes: a language that is not a tag, and a source
			// with an address but no title.
			chromedp.SendKeys(chromedp.CSS(`[name="b/language"]`), "English"),
			chromedp.SetValue(chromedp.CSS(`[name="b/sources/0/url"]`), "not a web address"),
		)
		b.press(t, `button[value="review"]`, 422)
		b.contains(t, "#problems", "The draft has problems", "Language", "Title: This is required", "URL: This should be a full web address")
		if v := eval[string](t, b, `document.querySelector('[name="b/language"]').getAttribute("aria-invalid") || ""`); v != "true" {
			t.Errorf("the language field is not marked invalid (aria-invalid %q)", v)
		}
		b.accessible(t)
		b.shot(t, "desk validation errors")
		b.do(t,
			chromedp.SetValue(chromedp.CSS(`[name="b/language"]`), "en"),
			chromedp.SetValue(chromedp.CSS(`[name="b/sources/0/url"]`), "https://www.example.org/statement"),
			chromedp.SendKeys(chromedp.CSS(`[name="b/sources/0/title"]`), "Statement of the Ministry"),
		)
		// A row added without JavaScript: the form comes back with it.
		b.press(t, `button[value="add:b/sources"]`, 200)
		if n := b.count(t, `#f-b--sources .row`); n != 2 {
			t.Errorf("after adding a row, sources has %d rows, want 2", n)
		}
		b.shot(t, "desk row added")
		b.press(t, `button[value="review"]`, 200)
		b.contains(t, "#note-text", `"kind":"declaration"`, `"subject":"`+subject+`"`, `"author":"khm.mfaic"`, `"language":"en"`)
		b.accessible(t)
		b.shot(t, "desk what will be signed")
	})
	t.Run("submit", func(t *testing.T) {
		b.press(t, "form.confirm button[type=submit]", 200)
		b.contains(t, "main", "The register accepted the record", "Published", "kongsi verify")
		if proof := b.text(t, "#proof-text"); !strings.HasPrefix(proof, "c2sp.org/tlog-proof@v1") {
			t.Errorf("the proof does not look like a tlog-proof: %.100q", proof)
		}
		b.accessible(t)
		b.shot(t, "desk submitted with proof")
		// The record is on the register.
		b.open(t, reg+"/subjects/"+subject, 200)
		b.contains(t, "main", "A position written at the desk")
	})
	t.Run("refused", func(t *testing.T) {
		// The foreign ministry may not decide port calls: the register
		// refuses, and the draft stays with the reason.
		b.open(t, desk+"/new?kind=portcall.decision&subject=portcalls/khm/ream-2025-04-jpn", 200)
		b.do(t, chromedp.SetValue(chromedp.CSS(`[name="b/decision"]`), "approved"))
		b.press(t, `button[value="review"]`, 200)
		b.contains(t, "#note-text", `"kind":"portcall.decision"`)
		b.press(t, "form.confirm button[type=submit]", 200)
		b.contains(t, "#refusal", "The register refused this record", `"khm.mfaic" does not hold the role "port-access"`, "rule portcall.host", "the draft is kept")
		b.accessible(t)
		b.shot(t, "desk refused")
		b.open(t, desk+"/", 200)
		b.contains(t, "main", "portcalls/khm/ream-2025-04-jpn", "refused")
	})
	t.Run("audit", func(t *testing.T) {
		b.visit(t, desk+"/audit", "desk audit trail")
		b.contains(t, "table.audit", "Signed in", "Failed to sign in", "Began a draft", "Signed a record", "the register took it", "the register refused it", user)
	})
}
