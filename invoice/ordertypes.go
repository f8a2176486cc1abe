package invoice

// Order is an order as an ERP, the platform, an import or the form hands it over
// (docs/order.md), every value still as written. Check turns it into an invoice. The
// domain reads no file: orderfile decodes JSON, CSV and Excel into Orders, and the
// JSON names below are the order format's (docs/order.md).
type Order struct {
	OrderID          string      `json:"order_id"`
	Type             string      `json:"type"`
	Buyer            OrderBuyer  `json:"buyer"`
	PriceIncludesTax bool        `json:"price_includes_tax"`
	Lines            []OrderLine `json:"lines"`
	Remark           string      `json:"remark"`
	Payee            string      `json:"payee"`
	Reviewer         string      `json:"reviewer"`
	Issuer           string      `json:"issuer"`
	RedOf            *RedRequest `json:"red_of"`

	// Places maps a field path ("lines[0].tax_code") to where it was read, for orders
	// from a table ("row:5/税收分类编码"); nil for JSON, whose paths are their places.
	Places map[string]string `json:"-"`
	// DecodeErrors are what reading the order found wrong before any rule ran: unknown
	// fields, values of the wrong JSON type, a table's inconsistent rows.
	DecodeErrors Errors `json:"-"`
}

// OrderBuyer is the buyer as an order gives it.
type OrderBuyer struct {
	Name         string `json:"name"`
	TaxID        string `json:"tax_id"`
	AddressPhone string `json:"address_phone"`
	BankAccount  string `json:"bank_account"`
	Email        string `json:"email"`
}

// OrderLine is one line as an order gives it: money, quantities and rates as decimal
// strings, empty when absent.
type OrderLine struct {
	Name      string `json:"name"`
	TaxCode   string `json:"tax_code"`
	Spec      string `json:"spec"`
	Unit      string `json:"unit"`
	Quantity  string `json:"quantity"`
	UnitPrice string `json:"unit_price"`
	Amount    string `json:"amount"`
	TaxRate   string `json:"tax_rate"`
	Tax       string `json:"tax"`
	ZeroRate  string `json:"zero_rate"`
	Discount  string `json:"discount"`
}

// RedRequest asks for a red invoice against a blue one (docs/order.md, red_of). A
// 数电票 is named by its 20-digit Number with an empty Code (docs/digital.md).
type RedRequest struct {
	Code   string `json:"code"`
	Number string `json:"number"`
	Reason int    `json:"reason"` // 1–4; 0 means the default, 1
	// Notice is the 红字信息表编号, needed to reverse a device's 专票.
	Notice string `json:"notice"`
	// Slip is the 红字发票信息确认单编号 (20 digits) of a digital red invoice.
	Slip string `json:"slip"`
	// Lines chooses what to reverse; empty reverses the whole invoice.
	Lines []RedLineRequest `json:"lines"`
}

// RedLineRequest reverses part of one goods line of the blue invoice.
type RedLineRequest struct {
	Line     int    `json:"line"`     // 1-based goods line of the blue invoice (discount lines not counted)
	Quantity string `json:"quantity"` // how many units to reverse, or empty
	Amount   string `json:"amount"`   // how much of the amount before tax to reverse, or empty
}

// place returns where a field was read, for error messages.
func (o *Order) place(path string) string {
	if p, ok := o.Places[path]; ok {
		return p
	}
	return path
}
