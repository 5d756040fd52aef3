package trade_test

import (
	"testing"

	"github.com/kongsi/kongsi/internal/nodetest"
)

// TestPagesInOtherLanguages shows the monitor's pages in the region's
// languages: their words come from the catalogs, and their sums of US$ and
// shares are written as each language writes them.
func TestPagesInOtherLanguages(t *testing.T) {
	t.Parallel()
	e, _ := setup(t)
	e.Run(t, []nodetest.Scenario{
		{Name: "member in Chinese", Path: "/trade/vnm?lang=zh", Contains: []string{`<html lang="zh-Hans">`, "<h1>越南与中国的贸易</h1>", "−550.0亿美元", "人造石墨", "数量上升，单位价值下降"},
			NotContains: []string{"US$ 55.0 bn", "Artificial graphite"}},
		{Name: "member in Vietnamese", Path: "/trade/vnm?lang=vi", Contains: []string{"<h1>Thương mại của Việt Nam với Trung Quốc</h1>", "−55,0 tỷ USD", "×1,50"}},
		{Name: "dashboard in Thai", Path: "/trade?lang=th", Contains: []string{"<h1>ระบบติดตามการค้า: อาเซียนและจีน</h1>", "พันล้านดอลลาร์", "การขาดดุลของเวียดนามกับจีนเพิ่มขึ้น 57% ในปี 2020"}},
		{Name: "alerts in Indonesian", Path: "/trade/alerts?member=VNM&kind=surge&lang=id", Contains: []string{"<h1>Peringatan perdagangan</h1>", "2 peringatan", "Lonjakan impor baru di Vietnam: HS 380110 (grafit buatan)", "US$ 15,0 juta"}},
		{Name: "surges in Vietnamese", Path: "/trade/surges?partner=VNM&year=2020&lang=vi", Contains: []string{"Nhập khẩu tăng đột biến từ Trung Quốc", "−50,0%", "30,0 nghìn tấn", "0,50 USD/kg"}},
		{Name: "mirror in Malay", Path: "/trade/mirror?partner=VNM&year=2020&lang=ms", Contains: []string{"<h1>Statistik cermin</h1>", "Aliran antara China dan Vietnam, 2020", "US$ 120.0 bilion"}},
		{Name: "party in Malay", Path: "/parties/chn?lang=ms", Contains: []string{"Perdagangan China dengan ASEAN pada 2020:", "China melaporkan eksport ke ASEAN sebanyak US$ 170.0 bilion"}},
		{Name: "release in Chinese", Path: "/trade/releases/vnm.stats/products?lang=zh", Contains: []string{"已载入：", "仅限所列产品"}},
		// The API and the feed stay in English.
		{Name: "alerts API", Path: "/api/v1/trade/alerts?member=VNM&kind=surge&lang=zh", Contains: []string{"New import surge in Viet Nam: HS 380110", "US$ 15.0 m"}},
	})
}
