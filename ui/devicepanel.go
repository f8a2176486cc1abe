package ui

import (
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// The device panel's own view of the tax-control device. ui does not import the device
// package (docs/DESIGN.md, import rules): the program's wiring converts the device's
// answers into these, so a second issuing channel can fill the same panel.

// DeviceStatus is the device's identity, PIN and period as the panel shows them.
type DeviceStatus struct {
	Machine      string
	SellerTaxID  string
	Clock        time.Time
	PINVerified  bool // in this session
	PINLocked    bool
	PINTriesLeft int
	Period       string   // the open month, YYYYMM
	Reported     bool     // the open month's summary (抄报) has been made
	Locks        []string // every reason issuing is locked now, as the device words it (Chinese)
}

// DeviceRoll is one roll of invoice numbers (发票卷) in the device.
type DeviceRoll struct {
	Code      string // 发票代码, 12 digits
	Start     uint32 // first number
	Count     uint32
	Remaining uint32
}

// Next is the roll's next unused number, 8 digits; meaningless when Remaining is 0.
func (r DeviceRoll) Next() string { return fmt.Sprintf("%08d", r.Start+r.Count-r.Remaining) }

// Kind is the invoice type the roll's code names, empty for a code of no known type.
func (r DeviceRoll) Kind() invoice.Kind {
	k, _ := invoice.KindOfCode(r.Code)
	return k
}

// DeviceOffline is the device's offline counters against their limits.
type DeviceOffline struct {
	HoursLimit    int           // 离线开票时长
	AmountLimit   invoice.Money // 离线正数累计金额
	InvoiceLimit  invoice.Money // 单张限额
	Pending       int           // invoices not yet acknowledged as uploaded
	PendingAmount invoice.Money // their positive total before tax
	OldestPending time.Time     // zero when nothing is pending
}

// DeviceReport is a period's summary (抄报).
type DeviceReport struct {
	Period    string
	Count     int
	RedCount  int
	Amount    invoice.Money // positive invoices, before tax
	Tax       invoice.Money
	RedAmount invoice.Money // red invoices (negative)
	RedTax    invoice.Money
}
