package orderfile

import (
	"bytes"

	"github.com/xuri/excelize/v2"
)

// templateExample is the template's example row, by English column: the order of
// docs/order.md, one line with a discount.
var templateExample = map[string]string{
	"order_id": "SO-20261126-0001", "type": "e-ordinary", "buyer_name": "厦门示例科技有限公司",
	"buyer_tax_id": "91350200776049653A", "buyer_address_phone": "厦门市思明区示例路1号 0592-1234567",
	"buyer_bank_account": "中国银行厦门分行 4101234567890", "buyer_email": "finance@example.com",
	"price_includes_tax": "否", "name": "软件开发服务", "tax_code": "3040201010000000000", "spec": "V2.0",
	"unit": "项", "quantity": "1", "unit_price": "10000", "tax_rate": "6%", "discount": "500.00",
	"remark": "合同号 HT-2026-001", "payee": "王五", "reviewer": "李四", "issuer": "张三",
}

// Template returns an .xlsx order template: every column of docs/order.md under its
// Chinese header, and one example row the clerk overwrites. Every cell is text, so that
// Excel keeps a tax code's 19 digits and a price's trailing zeros as typed.
func Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	if err := f.SetSheetName(sheet, "订单"); err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return nil, err
	}
	cols := TableColumns()
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColStyle("订单", name, text); err != nil {
			return nil, err
		}
		if err := f.SetColWidth("订单", name, name, float64(max(10, len([]rune(c.ZH))*2+4))); err != nil {
			return nil, err
		}
		if err := f.SetCellStr("订单", name+"1", c.ZH); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle("订单", name+"1", name+"1", bold); err != nil {
			return nil, err
		}
		if err := f.SetCellStr("订单", name+"2", templateExample[c.EN]); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
