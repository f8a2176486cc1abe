package invoice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// FieldError is one broken rule, the project's error type for bad input: where (Field,
// a path such as "lines[0].tax_code", or "row:5/税收分类编码" in a table), which rule
// (Rule, a stable dotted code tests and automation match), the offending Value, and the
// catalogue's message (Key and Args, see catalogue.go) rendered as a Chinese Message for
// the clerk and an English one for logs. Text renders it in either language again.
type FieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
	English string `json:"-"`
	// Key is the catalogue's key of the message: the rule, or "rule/variant" where one
	// rule has several wordings. Args are its parameters ("field" is the path the
	// message names, before Field was mapped to a table's row and column).
	Key  string `json:"-"`
	Args Args   `json:"-"`
}

// NewFieldError is a rule error worded by the catalogue's key (the rule code, or
// "rule/variant"): value is the offending value, args the message's other parameters
// ("field" and "value" are filled in from the first two unless given).
func NewFieldError(field, key, value string, args Args) *FieldError {
	a := Args{"field": field, "value": value}
	for k, v := range args {
		a[k] = v
	}
	rule, _, _ := strings.Cut(key, "/")
	return &FieldError{Field: clip(field, maxMessage), Rule: rule, Value: clip(value, maxValue),
		Message: clip(Say(Chinese, key, a), maxMessage), English: clip(Say(English, key, a), maxMessage), Key: key, Args: a}
}

// Text is the message in lang: the catalogue's, or the Message and English it was made
// with when it has no key.
func (e *FieldError) Text(lang Lang) string {
	switch {
	case e.Key != "":
		return clip(Say(lang, e.Key, e.Args), maxMessage)
	case lang == English && e.English != "":
		return e.English
	}
	return e.Message
}

// Error returns the English form, for logs: the rule, and the field where the message
// does not already name it.
func (e *FieldError) Error() string {
	if e.Field == "" || strings.Contains(e.English, e.Field) {
		return e.Rule + ": " + e.English
	}
	return e.Field + ": " + e.Rule + ": " + e.English
}

// Errors is every rule an order or invoice breaks. Validation collects all of them rather
// than stopping at the first, so the clerk can fix a form in one pass.
type Errors []*FieldError

// Error joins the English messages.
func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Has reports whether some error is on field with the given rule; an empty rule matches
// any rule.
func (es Errors) Has(field, rule string) bool {
	for _, e := range es {
		if e.Field == field && (rule == "" || e.Rule == rule) {
			return true
		}
	}
	return false
}

// errList accumulates errors during validation.
type errList struct{ es Errors }

// add records an error worded by the catalogue's key. The value and the messages are
// cut to a bounded length: an error must not echo a 10 MB field back (to the clerk, the
// log or a JSON answer).
func (l *errList) add(field, key, value string, args Args) {
	l.es = append(l.es, NewFieldError(field, key, value, args))
}

// fieldLabels are the Chinese names of the order's fields, as in the table headers of
// spec/order.md, used to name a field in a clerk's message.
var fieldLabels = map[string]string{
	"order_id":           "订单号",
	"type":               "发票类型",
	"buyer":              "购买方",
	"name":               "项目名称",
	"tax_id":             "纳税人识别号",
	"address_phone":      "地址、电话",
	"bank_account":       "开户行及账号",
	"email":              "邮箱",
	"price_includes_tax": "含税标志",
	"lines":              "商品行",
	"tax_code":           "税收分类编码",
	"spec":               "规格型号",
	"unit":               "单位",
	"quantity":           "数量",
	"unit_price":         "单价",
	"amount":             "金额",
	"tax_rate":           "税率",
	"tax":                "税额",
	"zero_rate":          "零税率标识",
	"discount":           "折扣金额",
	"remark":             "备注",
	"payee":              "收款人",
	"reviewer":           "复核",
	"issuer":             "开票人",
	"red_of":             "红冲信息",
	"code":               "发票代码",
	"number":             "发票号码",
	"reason":             "冲红原因",
	"notice":             "红字信息表编号",
	"slip":               "红字发票信息确认单编号",
	"line":               "行号",
	"totals":             "合计",
}

var indexRE = regexp.MustCompile(`^(\w+)\[(\d+)\]$`)

// Label turns a field path into the words a clerk reads: "lines[2].tax_code" becomes
// "第3行税收分类编码", "buyer.name" becomes "购买方名称".
func Label(path string) string {
	var b strings.Builder
	for _, part := range strings.Split(path, ".") {
		if m := indexRE.FindStringSubmatch(part); m != nil {
			n, _ := strconv.Atoi(m[2])
			if m[1] == "lines" {
				fmt.Fprintf(&b, "第%d行", n+1)
			} else {
				fmt.Fprintf(&b, "%s第%d项", labelOf(m[1]), n+1)
			}
			continue
		}
		if part == "name" && strings.HasPrefix(path, "buyer.") {
			b.WriteString("名称")
			continue
		}
		b.WriteString(labelOf(part))
	}
	return b.String()
}

func labelOf(key string) string {
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	return key
}
