package einvoicexml

import "github.com/kaipiao/kaipiao/invoice"

// The provincial tax bureaus, by the two region digits of an invoice code or a 数电
// number (the province's administrative code): the 监制 mark on a 数电 invoice names
// one, and the data file's TaxSupervisionInfo gives its code and name.
var provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}

// TaxBureau is the tax bureau a digital invoice's number names: its 11-digit code (1,
// the region digits, zeros: 13500000000) and its name (国家税务总局福建省税务局). A
// region the table does not know (a 计划单列市's own code) gives the code alone and the
// name 国家税务总局; a device invoice gives nothing.
func TaxBureau(inv *invoice.Invoice) (code, name string) {
	if inv.Code != "" || len(inv.Number) != 20 {
		return "", ""
	}
	r := inv.Number[2:4]
	code = "1" + r + "00000000"
	if p, ok := provinces[r]; ok {
		return code, "国家税务总局" + p + "税务局"
	}
	return code, "国家税务总局"
}
