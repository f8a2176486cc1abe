package pdf

// The region in an invoice's title, e.g. 厦门 in 厦门增值税电子普通发票, is where the
// issuing tax bureau sits: digits 2–5 of the 12-digit invoice code (docs/rules.md "Invoice code"). The five
// cities with provincial-level tax bureaus (计划单列市) print their own name; elsewhere the
// province, from the first two region digits.

var planCities = map[string]string{
	"2102": "大连", "3302": "宁波", "3502": "厦门", "3702": "青岛", "4403": "深圳",
}

var provinces = map[string]string{
	"11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
	"21": "辽宁", "22": "吉林", "23": "黑龙江",
	"31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
	"41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
	"50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
	"61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
}

// RegionOf is the region an invoice code's title names, or "" when the code is not a
// 12-digit code of a known region; the title then reads 增值税电子普通发票 alone.
func RegionOf(code string) string {
	if len(code) != 12 {
		return ""
	}
	if c, ok := planCities[code[1:5]]; ok {
		return c
	}
	return provinces[code[1:3]]
}
