package invoice

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// FieldError is one broken rule: where (Field, a path such as "lines[0].tax_code", or
// "row:5/税收分类编码" in a table), which rule (Rule, a stable dotted name tests and
// automation can match), the offending Value, a Chinese Message for the clerk, and an
// English one for logs.
type FieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
	English string `json:"-"`
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

// add records an error (NewError).
func (l *errList) add(field, rule, value, zh, en string) {
	l.es = append(l.es, NewError(field, rule, value, zh, en))
}

// NewError returns the error for a broken rule, its value and messages cut to a bounded
// length: an error must not echo a 10 MB field back (to the clerk, the log or a JSON
// answer). The readers of order files (orderfile) record what they find through it.
func NewError(field, rule, value, zh, en string) *FieldError {
	return &FieldError{Field: clip(field, maxMessage), Rule: rule, Value: clip(value, maxValue),
		Message: clip(zh, maxMessage), English: clip(en, maxMessage)}
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
