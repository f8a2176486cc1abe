package sim

import (
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/device"
	"github.com/kaipiao/kaipiao/invoice"
	bolt "go.etcd.io/bbolt"
)

// issue runs ISSUE and ISSUE_RED: the request ID check, the locks, the number check, then
// the journal entry, the number, the request ID and the counters in one transaction.
func (d *Device) issue(session uint32, cmd device.Command, payload []byte) ([]byte, error) {
	var req device.IssueRequest
	if err := req.UnmarshalBinary(payload); err != nil {
		return nil, err
	}
	if err := d.needPIN(session); err != nil {
		return nil, err
	}
	canon, err := device.MarshalInvoice(&req.Invoice)
	if err != nil {
		return nil, refuse(device.CodeBadInvoice, "%v", err)
	}
	crashAfter := false
	out, err := d.idempotent(cmd, req.RequestID, canon, func(tx *bolt.Tx, st *persisted) ([]byte, error) {
		now := d.cfg.Clock.Now().Truncate(time.Second)
		inv := req.Invoice
		if err := d.admit(tx, st, cmd, &inv, now); err != nil {
			return nil, err
		}
		// The invoice takes a number from a roll of its own type, so that its code, its
		// printed title and its QR type agree (docs/rules.md "Invoice code").
		roll, err := d.nextRoll(st, now, inv.Kind)
		if err != nil {
			return nil, err
		}
		number := fmt.Sprintf("%08d", roll.Start+roll.Used)
		if number != req.ExpectedNumber || (req.ExpectedCode != "" && req.ExpectedCode != roll.Code) {
			return nil, refuse(device.CodeNumberMismatch, "next invoice is %s/%s, host expected %s/%s", roll.Code, number, req.ExpectedCode, req.ExpectedNumber)
		}
		roll.Used++
		st.Counter++
		inv.Issued = invoice.Issued{Code: roll.Code, Number: number, Machine: st.Machine, IssuedAt: now.In(invoice.Beijing)}
		if err := device.Seal(d.ident.Signer, &inv); err != nil {
			return nil, err
		}
		rec := device.Record{Counter: st.Counter, RequestID: req.RequestID, Invoice: inv}
		if err := putRecord(tx, &rec); err != nil {
			return nil, err
		}
		if st.OldestPending == 0 {
			st.OldestPending = now.Unix()
		}
		if amount := inv.Totals().Amount; amount > 0 {
			st.PendingAmount += amount
		}
		st.LastIssue = now.Unix()
		if d.cfg.Faults.commit(FaultFreezeBeforeCommit) && d.cfg.Freeze != nil {
			d.cfg.Freeze()
		}
		if d.cfg.Faults.commit(FaultCrashBeforeCommit) {
			return nil, errCrash
		}
		crashAfter = d.cfg.Faults.commit(FaultCrashAfterCommit)
		return rec.MarshalBinary()
	})
	if err == nil && crashAfter {
		return nil, ErrCrashed
	}
	return out, err
}

// admit applies every check an invoice must pass before it takes a number.
func (d *Device) admit(tx *bolt.Tx, st *persisted, cmd device.Command, inv *invoice.Invoice, now time.Time) error {
	if len(inv.Lines) == 0 {
		return refuse(device.CodeBadInvoice, "invoice has no lines")
	}
	if inv.Seller.TaxID == "" {
		inv.Seller.TaxID = st.Seller
	}
	if inv.Seller.TaxID != st.Seller {
		return refuse(device.CodeBadInvoice, "seller %s is not this device's %s", inv.Seller.TaxID, st.Seller)
	}
	for i, l := range inv.Lines {
		// As the devices do: a printed line's quantity × unit price gives its amount
		// within a fen (docs/rules.md "Printed unit price").
		if !l.Discount && l.HasQuantity() && !invoice.PriceConsistent(l.Quantity, l.UnitPrice, l.Amount) {
			return refuse(device.CodeBadInvoice, "line %d: quantity %s × unit price %s is not the amount %s", i+1, l.Quantity, l.UnitPrice, l.Amount)
		}
	}
	t := inv.Totals()
	if (cmd == device.CmdIssueRed) != (inv.Red != nil) {
		return refuse(device.CodeBadInvoice, "%s with red link %v", cmd, inv.Red != nil)
	}
	if inv.Red != nil {
		if t.Amount >= 0 {
			return refuse(device.CodeBadInvoice, "red invoice total %s is not negative", t.Amount)
		}
		if _, ok, err := byNumber(tx, inv.Red.Code, inv.Red.Number); err != nil || !ok {
			return refuse(device.CodeBlueNotFound, "blue invoice %s/%s", inv.Red.Code, inv.Red.Number)
		}
	}
	for _, c := range d.locks(st, now) {
		if c != device.CodeStockExhausted {
			return refuse(c, "%s", d.lockDetail(c, st, now))
		}
	}
	if t.Amount.Abs() > d.cfg.Limits.InvoiceLimit {
		return refuse(device.CodeInvoiceLimit, "total before tax %s over %s", t.Amount.Abs(), d.cfg.Limits.InvoiceLimit)
	}
	if t.Amount > 0 && st.PendingAmount+t.Amount > d.cfg.OfflineAmount {
		return refuse(device.CodeOfflineAmount, "pending %s + %s over %s", st.PendingAmount, t.Amount, d.cfg.OfflineAmount)
	}
	return nil
}

// locks lists every reason the device refuses to issue now.
func (d *Device) locks(st *persisted, now time.Time) []device.Code {
	var out []device.Code
	if st.PINLocked {
		out = append(out, device.CodePINLocked)
	}
	if now.Unix() < st.LastIssue {
		out = append(out, device.CodeClockBackwards)
	}
	cur, open := monthIndex(month(now)), monthIndex(st.Period)
	if cur > open+1 || (cur == open+1 && now.In(invoice.Beijing).Day() > d.cfg.DeadlineDay) {
		out = append(out, device.CodeMonthLocked)
	}
	if st.OldestPending != 0 && now.Sub(time.Unix(st.OldestPending, 0)) >= time.Duration(d.cfg.OfflineHours)*time.Hour {
		out = append(out, device.CodeOfflineHours)
	}
	if st.PendingAmount >= d.cfg.OfflineAmount {
		out = append(out, device.CodeOfflineAmount)
	}
	exhausted := true // of every type
	for _, k := range invoice.Kinds {
		if *st.left(k) > 0 || st.current(k) != nil {
			exhausted = false
		}
	}
	if exhausted {
		out = append(out, device.CodeStockExhausted)
	}
	return out
}

func (d *Device) lockDetail(c device.Code, st *persisted, now time.Time) string {
	switch c {
	case device.CodeClockBackwards:
		return fmt.Sprintf("clock %s is before the last invoice %s", now.Format(time.RFC3339), time.Unix(st.LastIssue, 0).Format(time.RFC3339))
	case device.CodeMonthLocked:
		return fmt.Sprintf("period %s not reported and cleared, deadline day %d", st.Period, d.cfg.DeadlineDay)
	case device.CodeOfflineHours:
		return fmt.Sprintf("oldest un-uploaded invoice from %s, limit %d h", time.Unix(st.OldestPending, 0).Format(time.RFC3339), d.cfg.OfflineHours)
	case device.CodeOfflineAmount:
		return fmt.Sprintf("pending %s, limit %s", st.PendingAmount, d.cfg.OfflineAmount)
	}
	return ""
}

// left is the stock of kind not yet given a roll.
func (st *persisted) left(k invoice.Kind) *int {
	if k == invoice.KindSpecial {
		return &st.SpecialLeft
	}
	return &st.StockLeft
}

// current is kind's roll in use — its latest, while it has numbers left — or nil.
func (st *persisted) current(k invoice.Kind) *rollState {
	if r := st.latest(k); r != nil && r.Used < r.Count {
		return r
	}
	return nil
}

// latest is kind's most recently opened roll, or nil.
func (st *persisted) latest(k invoice.Kind) *rollState {
	for i := len(st.Rolls) - 1; i >= 0; i-- {
		if rk, _ := invoice.KindOfCode(st.Rolls[i].Code); rk == k {
			return &st.Rolls[i]
		}
	}
	return nil
}

// nextRoll returns the roll of kind the next invoice of that kind takes, opening a new
// one from that kind's stock when the current one is used up. A kind without stock is
// refused: each type of invoice has its own.
func (d *Device) nextRoll(st *persisted, now time.Time, k invoice.Kind) (*rollState, error) {
	if k != invoice.KindOrdinary && k != invoice.KindSpecial {
		return nil, refuse(device.CodeBadInvoice, "invoice type %q", k)
	}
	if r := st.current(k); r != nil {
		return r, nil
	}
	if *st.left(k) <= 0 {
		return nil, refuse(device.CodeStockExhausted, "no %s (%s) invoices left", k, k.Title())
	}
	st.Rolls = append(st.Rolls, d.peekRoll(st, now, k))
	r := &st.Rolls[len(st.Rolls)-1]
	st.Batch++
	*st.left(k) -= int(r.Count)
	return r, nil
}

// peekRoll is the roll of kind nextRoll would open: code 0 + region + year + batch +
// the type digits (docs/rules.md "Invoice code"), numbers following the previous roll
// of that kind.
func (d *Device) peekRoll(st *persisted, now time.Time, k invoice.Kind) rollState {
	count := min(*st.left(k), d.cfg.RollSize)
	start := uint32(1)
	if r := st.latest(k); r != nil {
		start = r.Start + r.Count
	}
	code := fmt.Sprintf("0%s%s%03d%s", st.Region, now.In(invoice.Beijing).Format("06"), st.Batch%1000+1, k.CodeType())
	return rollState{Code: code, Start: start, Count: uint32(count)}
}

// ExhaustStock drops every unused invoice (a fault, and a test aid).
func (d *Device) ExhaustStock() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.update(func(_ *bolt.Tx, st *persisted) error {
		st.StockLeft, st.SpecialLeft = 0, 0
		for i := range st.Rolls {
			st.Rolls[i].Count = st.Rolls[i].Used
		}
		return nil
	})
}

func (d *Device) status() device.Status {
	now := d.cfg.Clock.Now()
	st := d.st
	s := device.Status{
		Machine: st.Machine, SellerTaxID: st.Seller, BootID: d.bootID, Clock: now.Truncate(time.Second),
		PINVerified: d.pinSession != 0 && d.pinSession == d.session, PINLocked: st.PINLocked,
		PINTriesLeft: max(0, 5-st.PINTries), Period: st.Period, Reported: st.Reported == st.Period,
		Issued: st.Counter, Locks: d.locks(st, now),
	}
	for _, k := range invoice.Kinds {
		cp := *st
		cp.Rolls = append([]rollState(nil), st.Rolls...)
		if r, err := d.nextRoll(&cp, now, k); err == nil {
			next := device.NextInvoice{Kind: k, Code: r.Code, Number: fmt.Sprintf("%08d", r.Start+r.Used)}
			s.Next = append(s.Next, next)
			if k == invoice.KindOrdinary {
				s.NextCode, s.NextNumber = next.Code, next.Number
			}
		}
	}
	return s
}

func (d *Device) rolls() []device.Roll {
	out := make([]device.Roll, 0, len(d.st.Rolls))
	for _, r := range d.st.Rolls {
		out = append(out, device.Roll{Code: r.Code, Start: r.Start, Count: r.Count, Remaining: r.Count - r.Used})
	}
	// The numbers bought but not yet opened into rolls are stock too: a split order
	// checked against the stock must count them (PROTOCOL.md §5 STOCK).
	for _, k := range invoice.Kinds {
		if left := *d.st.left(k); left > 0 {
			out = append(out, device.Roll{Code: device.UnopenedCode(k), Count: uint32(left), Remaining: uint32(left)})
		}
	}
	return out
}

func (d *Device) offline() device.Offline {
	st := d.st
	o := device.Offline{
		HoursLimit: d.cfg.OfflineHours, AmountLimit: d.cfg.OfflineAmount, InvoiceLimit: d.cfg.Limits.InvoiceLimit,
		DeadlineDay: d.cfg.DeadlineDay, Pending: int(st.Counter - st.UploadedThrough), PendingAmount: st.PendingAmount,
		UploadedThrough: st.UploadedThrough, Period: st.Period, Locks: d.locks(st, d.cfg.Clock.Now()),
	}
	if st.OldestPending != 0 {
		o.OldestPending = time.Unix(st.OldestPending, 0).In(invoice.Beijing)
	}
	return o
}

// FillOffline raises the pending amount to the offline limit (a fault, and a test aid):
// the next positive invoice is refused with CodeOfflineAmount.
func (d *Device) FillOffline() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.update(func(_ *bolt.Tx, st *persisted) error { st.PendingAmount = d.cfg.OfflineAmount; return nil })
}
