package projects_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/nodetest"
)

// TestPagesInOtherLanguages shows the module's pages in Chinese, Thai and
// Indonesian: their words come from the catalogs, and their dates, numbers
// and amounts are written as each language writes them, while the API stays
// in English.
func TestPagesInOtherLanguages(t *testing.T) {
	e := site(t)
	e.Run(t, []nodetest.Scenario{
		{Name: "project in Chinese", Path: "/projects/mys-ecrl?lang=zh", Contains: []string{
			`<html lang="zh-Hans">`, "政治风险：81.8 分（满分 100）", "一带一路认定：",
			"中国认定机构确认该标签；东道国政府尚未认证。", "最迟于2026年2月28日", "110亿美元", "项目在实施阶段暂停",
			`<a href="/projects?country=mys">马来西亚</a>`, "<title>马来西亚</title>"},
			NotContains: []string{"Political risk:", "How the state is derived", ">Malaysia</a>", "<title>Malaysia</title>"}},
		{Name: "list in Indonesian", Path: "/projects?lang=id", Contains: []string{
			"<h1>Proyek</h1>", "2 proyek.", "US$15,5 miliar", "Diklaim, belum dikonfirmasi", "Transportasi kereta api"}},
		{Name: "risk in Indonesian", Path: "/projects/risk?lang=id", Contains: []string{
			"<h1>Risiko politik</h1>", "<strong>81,8</strong>", "1 Juni 2025"}},
		{Name: "elections in Thai", Path: "/elections?lang=th", Contains: []string{
			"<h1>ปฏิทินการเลือกตั้ง</h1>", "ภายใน 28 กุมภาพันธ์ 2569", "9 พฤษภาคม 2561", "ระดับชาติ", ">มาเลเซีย</a>"},
			NotContains: []string{">Malaysia</a>"}},
		{Name: "record body in Chinese", Path: "/records/10?lang=zh", Contains: []string{
			"East Coast Rail Link的状态为实施（暂停，自2024年5月起）。"}},
		{Name: "home section in Vietnamese", Path: "/?lang=vi", Contains: []string{
			"Dự án và rủi ro chính trị", "2 dự án</a>"}},
		{Name: "the API stays in English", Path: "/api/v1/projects/mys-ecrl?lang=zh", Contains: []string{
			"is by 28 February 2026 at the latest", `"designation_title":"Claimed, not confirmed"`, `"host_name":"State mys"`}},
	})
}
