package workstation

import (
	"time"

	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/printing"
)

// The service's use cases on what the store keeps: the issued invoices, their upload and
// mail, the master data, the column mappings and the orders fetched from the platform.

// List searches the issued invoices.
func (s *Service) List(q Query) (Page, error) { return s.w.Store.List(q) }

// ListAll is every invoice q selects, all pages (q.Limit is the page size), newest
// first: an export of the list as filtered.
func (s *Service) ListAll(q Query) ([]*Record, error) {
	var all []*Record
	for {
		page, err := s.w.Store.List(q)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Records...)
		if page.Cursor == "" {
			return all, nil
		}
		q.Before = page.Cursor
	}
}

// Records is every invoice issued in [from, to) (a zero bound is open), oldest first:
// an export of a period.
func (s *Service) Records(from, to time.Time) ([]*Record, error) {
	return export.Records(s.w.Store, from, to)
}

// ByNumber is the invoice CODE:NUMBER names.
func (s *Service) ByNumber(code, number string) (*Record, error) {
	return s.w.Store.ByNumber(code, number)
}

// ByOrder lists the invoices issued for an order (several when it was split).
func (s *Service) ByOrder(orderID string) ([]*Record, error) { return s.w.Store.ByOrder(orderID) }

// RedsOf lists the red invoices issued against a blue one.
func (s *Service) RedsOf(code, number string) ([]*invoice.Invoice, error) {
	return s.w.Store.RedsOf(code, number)
}

// MonthStats counts a month's (YYYYMM) invoices by rate, with the records counted.
func (s *Service) MonthStats(month string) (export.Stats, []*Record, error) {
	return export.MonthStats(s.w.Store, month)
}

// PendingCount is the upload's outbox: invoices queued, and dead letters.
func (s *Service) PendingCount() (queued, dead int, err error) { return s.w.Store.PendingCount() }

// RetryDead puts every dead letter back in the outbox (after the clerk fixed the cause,
// say a renewed certificate) and asks the sync for a pass.
func (s *Service) RetryDead() error {
	dead, err := s.w.Store.DeadLetters()
	if err != nil {
		return err
	}
	for _, rec := range dead {
		if err = s.w.Store.Retry(rec.ID, s.Operator()); err != nil {
			break // those put back go out; the rest stay for the clerk
		}
	}
	s.SyncNow()
	return err
}

// MailStatusOf is the mail of the invoice with record ID id.
func (s *Service) MailStatusOf(id uint64) (MailStatus, error) { return s.w.Store.MailStatusOf(id) }

// QueueMail queues the invoice's PDF for the buyer's address to.
func (s *Service) QueueMail(id uint64, to string) error {
	return s.w.Store.QueueMail(id, to, s.Operator())
}

// RecordPrint writes an accepted print to the audit log.
func (s *Service) RecordPrint(r *printing.Result) error {
	return printing.Record(s.w.Store, s.Operator(), r)
}

// RenderPDF renders an issued invoice's PDF, signed with the seller's seal where the data
// folder has one.
func (s *Service) RenderPDF(inv *invoice.Invoice) ([]byte, error) {
	doc, _, err := RenderPDF(s.w.Data, inv)
	return doc, err
}

// RenderOFD renders an issued invoice's OFD, sealed with the enterprise's SM2 certificate
// where the data folder has one.
func (s *Service) RenderOFD(inv *invoice.Invoice) ([]byte, error) {
	doc, _, err := RenderOFD(s.w.Data, inv)
	return doc, err
}

// Buyers lists the saved buyers.
func (s *Service) Buyers() ([]invoice.Party, error) { return s.w.Store.Buyers() }

// AllGoods lists the saved goods.
func (s *Service) AllGoods() ([]Goods, error) { return s.w.Store.AllGoods() }

// PutBuyers saves buyers, replacing those of the same name and tax ID.
func (s *Service) PutBuyers(ps ...invoice.Party) error {
	return s.w.Store.PutBuyers(s.Operator(), ps...)
}

// PutGoods saves goods, replacing those of the same name and specification.
func (s *Service) PutGoods(gs ...Goods) error { return s.w.Store.PutGoods(s.Operator(), gs...) }

// DeleteBuyer removes a saved buyer.
func (s *Service) DeleteBuyer(name, taxID string) error {
	return s.w.Store.DeleteBuyer(name, taxID, s.Operator())
}

// DeleteGoods removes a saved goods item.
func (s *Service) DeleteGoods(name, spec string) error {
	return s.w.Store.DeleteGoods(name, spec, s.Operator())
}

// ImportBuyers saves the buyers of a workbook (.xlsx, the master-data export's layout),
// all or none, and returns how many.
func (s *Service) ImportBuyers(data []byte) (int, error) {
	ps, err := export.ReadBuyers(data)
	if err != nil {
		return 0, err
	}
	return len(ps), s.PutBuyers(ps...)
}

// ImportGoods saves the goods of a workbook, all or none, each tax code checked against
// the code table; it returns how many.
func (s *Service) ImportGoods(data []byte) (int, error) {
	gs, err := export.ReadGoods(data, s.w.Engine.Codes)
	if err != nil {
		return 0, err
	}
	return len(gs), s.PutGoods(gs...)
}

// suggestions is how many saved buyers or goods a suggestion list offers.
const suggestions = 8

// SuggestBuyers returns the saved buyers matching what the clerk types as the buyer's
// name; none when the search fails (a suggestion is a convenience).
func (s *Service) SuggestBuyers(text string) []invoice.Party {
	buyers, _ := s.w.Store.SearchBuyers(text, suggestions)
	return buyers
}

// SuggestGoods returns the saved goods matching what the clerk types as a line's name.
func (s *Service) SuggestGoods(text string) []Goods {
	goods, _ := s.w.Store.SearchGoods(text, suggestions)
	return goods
}

// ColumnMappings lists the saved column mappings' names.
func (s *Service) ColumnMappings() ([]string, error) { return s.w.Store.ColumnMappings() }

// ColumnMapping is a saved column mapping: a table's header → the canonical column.
func (s *Service) ColumnMapping(name string) (map[string]string, error) {
	return s.w.Store.ColumnMapping(name)
}

// SetColumnMapping saves a column mapping under name.
func (s *Service) SetColumnMapping(name string, m map[string]string) error {
	return s.w.Store.SetColumnMapping(name, m, s.Operator())
}

// PulledOrders lists the orders fetched from the platform, waiting to be invoiced.
func (s *Service) PulledOrders() ([]PulledOrder, error) { return s.w.Store.PulledOrders() }
