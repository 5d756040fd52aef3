package trade

import (
	"github.com/kongsi/kongsi/internal/trade/tradefile"
	"github.com/kongsi/kongsi/internal/web"
)

func formatsDoc() []formatDoc {
	var out []formatDoc
	for _, f := range tradefile.Formats {
		out = append(out, formatDoc{f.Name, f.Title, f.Doc})
	}
	return out
}

func openAPIPaths() map[string]any {
	num := map[string]any{"type": []string{"number", "null"}}
	strs := map[string]any{"type": "array", "items": web.Str}
	obj := func(props map[string]any) map[string]any {
		return map[string]any{"type": "object", "properties": props}
	}
	arr := func(items map[string]any) map[string]any { return map[string]any{"type": "array", "items": items} }
	point := obj(map[string]any{"year": web.Int, "month": web.Int, "exports": num, "imports": num, "balance": num,
		"missing_members": strs, "partial_year": web.Str, "releases": strs})
	balance := obj(map[string]any{"reporter": web.Str, "reporter_name": web.Str, "partner": web.Str, "partner_name": web.Str, "basis": web.Str,
		"currency": web.Str, "valuation": web.Str, "as_reported_by": web.Str, "year": web.Int, "month": web.Int, "exports": num, "imports": num,
		"balance": num, "missing_members": strs, "partial_year": web.Str, "releases": strs, "meaning": web.Str, "series": arr(point)})
	product := obj(map[string]any{"code": web.Str, "name": web.Str, "section": web.Str, "exports": num, "imports": num, "net": num,
		"export_share": num, "import_share": num})
	products := obj(map[string]any{"reporter": web.Str, "partner": web.Str, "year": web.Int, "level": web.Str, "basis": web.Str, "total_exports": num,
		"total_imports": num, "complete": map[string]any{"type": "boolean"}, "products": arr(product), "releases": strs})
	flow := obj(map[string]any{"exporter": web.Str, "exporter_name": web.Str, "importer": web.Str, "importer_name": web.Str, "year": web.Int,
		"product": web.Str, "product_name": web.Str, "exporter_reports_fob": num, "importer_reports_cif": num, "gap": num, "ratio": num,
		"allowance": num, "unexplained": num, "unexplained_share": num, "exporter_releases": strs, "importer_releases": strs})
	settings := obj(map[string]any{"value_trigger": num, "volume_trigger": num, "unit_value_drop": num, "min_value": num, "level": web.Int, "source": web.Str})
	yearFig := obj(map[string]any{"year": web.Int, "value": num, "net_weight_kg": num})
	surge := obj(map[string]any{"importer": web.Str, "importer_name": web.Str, "exporter": web.Str, "year": web.Int, "period": web.Str,
		"product": web.Str, "product_name": web.Str, "level": web.Int, "source": web.Str, "value": num, "previous": arr(yearFig), "average_value": num,
		"value_ratio": num, "net_weight_kg": num, "average_net_weight_kg": num, "net_weight_ratio": num, "unit_value": num, "average_unit_value": num,
		"unit_value_change": num, "value_surge": map[string]any{"type": "boolean"}, "volume_surge": map[string]any{"type": "boolean"},
		"unit_value_drop": map[string]any{"type": "boolean"}, "dumping_pattern": map[string]any{"type": "boolean"}, "releases": strs})
	alert := obj(map[string]any{"id": web.Str, "kind": map[string]any{"enum": []string{AlertDeficit, AlertSurge, AlertMirrorGap}}, "member": web.Str,
		"member_name": web.Str, "year": web.Int, "title": web.Str, "detail": web.Str, "url": web.Str, "updated": web.Str, "releases": strs})
	release := obj(map[string]any{"subject": web.Str, "publisher": web.Str, "title": web.Str, "format": web.Str, "basis": web.Str,
		"source_title": web.Str, "source_publisher": web.Str, "source_url": web.Str, "dataset_sha256": web.Str, "size": web.Int, "file_name": web.Str,
		"rows": web.Int, "skipped_rows": web.Int, "reporters": strs, "partners": strs, "year_from": web.Int, "year_to": web.Int, "frequency": web.Str,
		"flows": strs, "hs_level": web.Int, "products": web.Str, "classification": web.Str, "notes": web.Str,
		"status":        map[string]any{"enum": []string{StatusLoaded, StatusMissing, StatusMismatch, StatusInvalid, StatusUnavailable}},
		"status_detail": web.Str, "loaded_rows": web.Int, "version": web.Int, "latest_index": web.Int, "signed": web.Str, "url": web.Str, "dataset_url": web.Str})
	code := func(name, desc string) map[string]any { return web.Param("query", name, desc, web.Str) }
	year := web.Param("query", "year", "A year.", web.Int)
	basis := web.Param("query", "basis", "reported (each reporter's own figures; the default) or reconciled (BACI).", map[string]any{"enum": []string{"reported", "reconciled"}})
	level := web.Param("query", "level", "section, 2, 4 or 6 (HS chapters by default).", web.Str)
	cifFob := web.Param("query", "cif_fob", "The allowance for freight and insurance, as a fraction of the exporter's f.o.b. figure: 0.10 by default.", map[string]any{"type": "number"})
	balanceParams := []map[string]any{
		code("reporter", "Whose statistics: an ISO 3166 alpha-3 code, or ASEAN for the sum of the members' own figures."),
		code("partner", "The partner: an alpha-3 code, or ASEAN for the sum over the members."),
		web.Param("query", "year", "The year whose figures to give at the top level; the latest by default.", web.Int),
		web.Param("query", "month", "A month (1–12), with a year, for monthly figures.", web.Int), basis,
	}
	productParams := []map[string]any{code("reporter", "Whose statistics (alpha-3 or ASEAN)."), code("partner", "The partner (alpha-3 or ASEAN)."), year, level, basis}
	mirrorParams := []map[string]any{code("partner", "China's partner (alpha-3), or ASEAN for every member (the default)."), web.Param("query", "year", "A year; every year by default.", web.Int), cifFob}
	mirrorProductParams := []map[string]any{code("exporter", "The exporter: CHN (the default) or the partner."), code("importer", "The importer: the partner, or CHN."), year,
		web.Param("query", "level", "2, 4 or 6.", web.Str), cifFob}
	surgeParams := []map[string]any{
		code("partner", "The importing ASEAN member (alpha-3), or ASEAN for all (the default)."), year,
		web.Param("query", "value_trigger", "Flag a value at least this multiple of the previous three years' average (1.25).", map[string]any{"type": "number"}),
		web.Param("query", "volume_trigger", "Flag a net weight at least this multiple of the previous three years' average (1.25).", map[string]any{"type": "number"}),
		web.Param("query", "unit_value_drop", "Flag a unit value at least this fraction below its previous three years' average (0.10).", map[string]any{"type": "number"}),
		web.Param("query", "min_value", "Leave out products imported for less than this many US$ in the year (1,000,000).", map[string]any{"type": "number"}),
		web.Param("query", "level", "The HS level compared: 2, 4 or 6; the finest the data has by default.", web.Str),
		web.Param("query", "source", "auto (the default), importer or exporter: whose statistics.", map[string]any{"enum": []string{"auto", "importer", "exporter"}}),
		web.Param("query", "all", "true to list products without a flag too.", map[string]any{"type": "boolean"}),
	}
	alertParams := []map[string]any{code("member", "An ASEAN member (alpha-3)."), web.Param("query", "kind", "deficit, surge or mirror-gap.", map[string]any{"enum": []string{AlertDeficit, AlertSurge, AlertMirrorGap}})}
	relParams := []map[string]any{code("publisher", "A publishing party."), web.Param("query", "status", "loaded, missing, mismatch, invalid or unavailable.", web.Str)}
	relPath := []map[string]any{web.Param("path", "publisher", "The publishing party.", web.Str), web.Param("path", "name", "The release's name.", web.Str)}
	sha := web.Param("path", "sha", "The dataset's SHA-256, in lower-case hex.", web.Str)
	return map[string]any{
		"/api/v1/trade/balance": map[string]any{"get": web.Op("A reporter's exports to a partner, imports from it and the balance, in US$, as the reporter states them, for a year (or month) and as a series.",
			balanceParams, web.JSONResponse("The balance.", balance))},
		"/api/v1/trade/balance.csv": map[string]any{"get": web.Op("The balance series as CSV.", balanceParams,
			web.CSVResponse("reporter, partner, basis, year, month, exports_usd, imports_usd, balance_usd, missing_members, partial_year, releases"))},
		"/api/v1/trade/products": map[string]any{"get": web.Op("The products of a reporter's trade with a partner in a year, sorted by their weight on the balance, with their shares.",
			productParams, web.JSONResponse("The products.", products))},
		"/api/v1/trade/products.csv": map[string]any{"get": web.Op("The products as CSV.", productParams,
			web.CSVResponse("reporter, partner, year, product, name, section, exports_usd, imports_usd, net_usd, export_share, import_share"))},
		"/api/v1/trade/mirror": map[string]any{"get": web.Op("Mirror statistics: China's reported exports to a partner against the partner's reported imports from China, and the reverse; the gap, the ratio and what a c.i.f./f.o.b. allowance leaves unexplained.",
			mirrorParams, web.JSONResponse("The comparisons.", obj(map[string]any{"partner": web.Str, "year": web.Int, "cif_fob_allowance": num, "flows": arr(flow)})))},
		"/api/v1/trade/mirror.csv": map[string]any{"get": web.Op("The mirror comparisons as CSV.", mirrorParams, web.CSVResponse("year, exporter, importer, product, exporter_reports_fob_usd, importer_reports_cif_usd, gap_usd, ratio, allowance_usd, unexplained_usd, unexplained_share, exporter_releases, importer_releases"))},
		"/api/v1/trade/mirror/products": map[string]any{"get": web.Op("Mirror statistics product by product for one flow and year; the largest unexplained gaps first.",
			mirrorProductParams, web.JSONResponse("The comparisons.", obj(map[string]any{"products": arr(flow)})))},
		"/api/v1/trade/mirror/products.csv": map[string]any{"get": web.Op("The product comparisons as CSV.", mirrorProductParams, web.CSVResponse("as /api/v1/trade/mirror.csv"))},
		"/api/v1/trade/surges": map[string]any{"get": web.Op("Import surges: each product an ASEAN member imports from China, in a year against the three before, with the value, volume and unit-value flags and the numbers behind them.",
			surgeParams, web.JSONResponse("The surges.", obj(map[string]any{"importer": web.Str, "year": web.Int, "settings": settings, "products_checked": web.Int, "surges": arr(surge), "notes": strs})))},
		"/api/v1/trade/surges.csv": map[string]any{"get": web.Op("The surges as CSV.", surgeParams, web.CSVResponse("importer, exporter, year, period, product, name, source, value_usd, value_y-3, value_y-2, value_y-1, average_value_usd, value_ratio, net_weight_kg, average_net_weight_kg, net_weight_ratio, unit_value_usd_per_kg, average_unit_value, unit_value_change, value_surge, volume_surge, unit_value_drop, dumping_pattern, releases"))},
		"/api/v1/trade/alerts.csv": map[string]any{"get": web.Op("The alerts as CSV.", alertParams, web.CSVResponse("id, kind, member, year, title, detail, url, updated, releases"))},
		"/api/v1/trade/alerts": map[string]any{"get": web.Op("Alerts computed from the data releases: deficits with China that grow past a threshold, new import surges, widening mirror gaps. Also as an Atom feed at /trade/alerts.atom.",
			alertParams, web.JSONResponse("The alerts, newest year first, and the thresholds.", obj(map[string]any{"alerts": arr(alert), "settings": map[string]any{"type": "object"}})))},
		"/api/v1/trade/releases": map[string]any{"get": web.Op("The trade data releases, newest first, with whether their data is loaded.", relParams,
			web.JSONResponse("The releases.", obj(map[string]any{"releases": arr(release)})))},
		"/api/v1/trade/releases.csv":                map[string]any{"get": web.Op("The releases as CSV.", relParams, web.CSVResponse("subject, publisher, title, format, basis, source, source_url, sha256, size, rows, reporters, partners, year_from, year_to, frequency, flows, hs_level, products, status, status_detail, version, latest_index"))},
		"/api/v1/trade/releases/{publisher}/{name}": map[string]any{"get": web.Op("One release.", relPath, web.JSONResponse("The release.", release))},
		"/api/v1/trade/datasets/{sha}": map[string]any{"get": web.Op("Whether the register holds a dataset file; the file itself is at /trade/datasets/{sha}.", []map[string]any{sha},
			web.JSONResponse("The dataset.", obj(map[string]any{"sha256": web.Str, "size": web.Int, "stored": map[string]any{"type": "boolean"}, "url": web.Str})))},
		"/api/v1/trade/datasets": map[string]any{"post": map[string]any{
			"summary":     "Upload a dataset file before publishing the release that names it.",
			"description": "The body is the file. The Kongsi-Signature header holds, in base64, a signed note by a party with the statistics role whose text is five lines: \"kongsi trade dataset upload\", the register's origin, the format, the file's SHA-256 and its size. The register reads every row (a malformed one is refused with its line and column), checks the checksum, and keeps the file under its SHA-256.",
			"parameters":  []map[string]any{web.Param("query", "format", "dots, comtrade, baci, wits or csv.", web.Str)},
			"requestBody": map[string]any{"required": true, "content": map[string]any{"text/csv": map[string]any{"schema": map[string]any{"type": "string", "maxLength": MaxDatasetSize}}}},
			"responses": map[string]any{
				"201": web.JSONResponse("Stored.", obj(map[string]any{"sha256": web.Str, "size": web.Int, "format": web.Str, "stored": map[string]any{"type": "boolean"}, "summary": map[string]any{"type": "object"}, "url": web.Str, "uploader": web.Str})),
				"403": web.JSONResponse("Not signed, or not by a party with the statistics role.", web.Ref("Error")),
				"413": web.JSONResponse("Over the size limit or the signed size.", web.Ref("Error")),
				"422": web.JSONResponse("A malformed file (the error names the line and column), or not the file signed for.", web.Ref("Error")),
			},
		}},
	}
}
