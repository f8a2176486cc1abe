package workstation

import (
	"context"
	"errors"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// SlipClient is the client of the confirmation slips on the platform at url, with the
// enterprise's keys from the data folder (the window's 红字确认单 screen and kaipiaoctl
// redslip use it).
func SlipClient(data, url string) (*upload.SlipClient, error) {
	keys, err := loadKeys(data)
	if err != nil {
		return nil, err
	}
	return upload.NewSlipClient(keys, url, nil)
}

// SlipOrderID is the order ID of the red invoice of a slip: one per slip, so that
// issuing it again (after a crash, or a second click) replays the red invoice issued.
func SlipOrderID(slip string) string { return "RED-SLIP-" + slip }

// RedOrderOfSlip is the red order a slip asks for: the blue invoice it names, its
// reason, and the lines and amounts it states.
func RedOrderOfSlip(s *upload.Slip, remark string) (*invoice.Order, error) {
	reason, err := upload.ParseSlipReason(s.Reason)
	if err != nil {
		return nil, err
	}
	return &invoice.Order{OrderID: SlipOrderID(s.Number), Remark: remark,
		RedOf: &invoice.RedRequest{Code: s.BlueCode, Number: s.Blue, Reason: int(reason), Slip: s.Number, Lines: s.Lines}}, nil
}

// RedFromSlip issues the red invoice of slip s, as the platform answered it just before:
// the slip must be usable (01 无需确认 or 04 购销双方已确认), and the red invoice this
// workstation would issue must reverse exactly what the slip states — both checked before
// anything is issued. Then the slip is claimed on the platform for the number the red
// invoice is about to take (from then on neither party can withdraw it, and no other red
// invoice can use it), and the red invoice is issued: it names the blue invoice and the
// slip (its RedLink and its remark) and, on the digital channel, gives the quota its
// amount used back. A slip whose red invoice this workstation issued already replays it.
// c is the client s came from; without one, the platform the workstation syncs with (or
// the data folder's saved one) is used.
func (w *Workstation) RedFromSlip(ctx context.Context, s *upload.Slip, remark string, c ...*upload.SlipClient) (invoice.Outcome, error) {
	o, err := RedOrderOfSlip(s, remark)
	if err != nil {
		return invoice.Outcome{}, err
	}
	if done, _, found, err := w.Store.IssuedFor(o.OrderID); err != nil {
		return invoice.Outcome{}, err
	} else if found {
		return invoice.Outcome{Invoice: done, Replayed: true}, nil
	}
	if !upload.SlipUsable(s.State) {
		return invoice.Outcome{}, invoice.NewProblem(invoice.ErrRefused, "refused.slip_state",
			invoice.Args{"slip": s.Number, "state": s.State, "state_text": s.StateText}, nil)
	}
	blue, found, err := w.Store.IssuedByNumber(s.BlueCode, s.Blue)
	if err != nil {
		return invoice.Outcome{}, err
	}
	if !found {
		return invoice.Outcome{}, invoice.NewProblem(invoice.ErrBlueNotFound, "refused.slip_blue",
			invoice.Args{"slip": s.Number, "blue": s.BlueName()}, nil)
	}
	if blue.Seller.TaxID != s.SellerTaxID {
		return invoice.Outcome{}, invoice.NewProblem(invoice.ErrRefused, "refused.slip_seller",
			invoice.Args{"slip": s.Number, "slip_seller": s.SellerTaxID, "blue": s.BlueName(), "seller": blue.Seller.TaxID}, nil)
	}
	if err := w.checkSlipAmounts(blue, o, s); err != nil {
		return invoice.Outcome{}, err
	}
	next, err := w.Engine.Device.Next(ctx, blue.Kind)
	if err != nil {
		return invoice.Outcome{}, err
	}
	if next.Number == "" {
		return invoice.Outcome{}, invoice.NewProblem(invoice.ErrRefused, "refused.digital_none", nil, nil)
	}
	client, err := w.slipClientOf(c)
	if err != nil {
		return invoice.Outcome{}, err
	}
	if _, err := client.Claim(ctx, s.Number, next.Number); err != nil {
		return invoice.Outcome{}, err
	}
	outs, err := w.Engine.Issue(ctx, o)
	if err != nil {
		return invoice.Outcome{}, err
	}
	if len(outs) != 1 {
		return invoice.Outcome{}, errors.New("a red order gave more than one invoice")
	}
	if got := outs[0].Invoice.Number; got != next.Number {
		// Another number was taken after all: the claim follows it (nothing is held
		// under the first one), or the upload will say why not.
		_, _ = client.Claim(ctx, s.Number, got)
	}
	return outs[0], nil
}

// slipClientOf is the client given, else one for the platform the workstation syncs
// with, else for the data folder's saved platform.
func (w *Workstation) slipClientOf(given []*upload.SlipClient) (*upload.SlipClient, error) {
	if len(given) > 0 && given[0] != nil {
		return given[0], nil
	}
	url := w.platform
	if url == "" {
		conn, err := w.Store.Connection()
		if err != nil {
			return nil, err
		}
		url = conn.Platform
	}
	if url == "" {
		return nil, errors.New("no platform set: a red invoice of a confirmation slip claims the slip there first")
	}
	return SlipClient(w.Data, url)
}

// checkSlipAmounts derives the red invoice from the store as the engine will and
// compares its totals with the slip's: a red invoice the platform would refuse is never
// issued.
func (w *Workstation) checkSlipAmounts(blue *invoice.Invoice, o *invoice.Order, s *upload.Slip) error {
	earlier, err := w.Store.RedsOf(s.BlueCode, s.Blue)
	if err != nil {
		return err
	}
	red, errs := invoice.Reverse(blue, earlier, o, invoice.Config{Limits: invoice.DefaultLimits})
	if errs != nil {
		return errs
	}
	t := red.Totals()
	if t.Amount.String() != s.Amount || t.Tax.String() != s.Tax || t.Total.String() != s.Total {
		return invoice.NewProblem(invoice.ErrRefused, "refused.slip_amounts", invoice.Args{"slip": s.Number,
			"amount": t.Amount.String(), "tax": t.Tax.String(), "total": t.Total.String(),
			"slip_amount": s.Amount, "slip_tax": s.Tax, "slip_total": s.Total}, nil)
	}
	return nil
}
