package platform

import (
	"fmt"

	"github.com/kaipiao/kaipiao/invoice"
)

// checkRedSlip is the slip's part of verifying an uploaded invoice of seller: a digital
// red invoice must name a slip of seller's for its blue invoice, usable (01 or 04), for
// exactly the amounts the slip states; the slip is then taken by this red invoice (the
// same red invoice again is fine, another one is refused: a slip yields one red
// invoice). It runs before the invoice is stored: a slip taken by an invoice whose
// storing then failed is taken by that invoice's number, which its retry stores.
func (s *Server) checkRedSlip(inv *invoice.Invoice, seller string) error {
	if !inv.Kind.Digital() || !inv.IsRed() {
		return nil
	}
	number := inv.Red.Slip
	if number == "" {
		return fmt.Errorf("red invoice %s names no confirmation slip (红字数电票须有红字发票信息确认单)", inv.Number)
	}
	store := s.slipStore()
	sl, err := store.Slip(number, s.businessNow())
	if err != nil {
		return fmt.Errorf("red invoice %s: %w", inv.Number, err)
	}
	t := inv.Totals()
	switch {
	case sl.SellerTaxID != seller:
		return fmt.Errorf("red invoice %s: slip %s: %w", inv.Number, number, ErrSlipNotFound)
	case sl.BlueCode != inv.Red.Code || sl.Blue != inv.Red.Number:
		return fmt.Errorf("red invoice %s reverses %s, slip %s is for %s", inv.Number, invoice.Ref(inv.Red.Code, inv.Red.Number), number, sl.BlueName())
	case sl.Amount != t.Amount.String() || sl.Tax != t.Tax.String() || sl.Total != t.Total.String():
		return fmt.Errorf("red invoice %s: %s + %s = %s, slip %s states %s + %s = %s", inv.Number,
			t.Amount, t.Tax, t.Total, number, sl.Amount, sl.Tax, sl.Total)
	}
	if _, err := store.UseSlip(number, seller, inv.Number, s.businessNow()); err != nil {
		return fmt.Errorf("red invoice %s: %w", inv.Number, err)
	}
	return nil
}
