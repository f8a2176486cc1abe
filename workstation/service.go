package workstation

import (
	"context"
	"sync"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/store"
	"github.com/kaipiao/kaipiao/upload"
)

// Service is the application service: the use cases of one open workstation — log in,
// issue, red, list and search, export and print, master data, settings and the issuing
// channel's status — as the window (package ui) and kaipiaoctl call them. The screens
// reach the store, the engine and the device only through it (docs/DESIGN.md, import
// rules: ui imports neither store nor device).
//
// A Service acts for one operator at a time (the session): who logged in last, else the
// Config's Operator. The store's audit log names that operator for every change.
type Service struct {
	w *Workstation

	mu       sync.Mutex
	operator string
	sync     *upload.Syncer // nil until AttachSync: no platform configured
}

// NewService is the application service over an open workstation.
func NewService(w *Workstation) *Service {
	return &Service{w: w, operator: w.Engine.Operator}
}

// The service's vocabulary: the store's records and settings as the screens and the
// commands use them, named here so that neither needs the store package.
type (
	Record       = store.Record       // an issued invoice with its sync and mail state
	Query        = store.Query        // a search of the issued invoices
	Page         = store.Page         // one page of a search's results
	RecordSync   = store.SyncState    // where an invoice is in the upload
	MailStatus   = store.MailStatus   // an invoice's mail to the buyer
	MailSettings = store.MailSettings // the mail server
	Connection   = store.Connection   // the device and platform chosen in the settings
	Goods        = store.Goods        // a saved goods item (商品)
	Operator     = store.Operator     // an operator and their role
	Role         = store.Role         // an operator's role
	AuditEntry   = store.AuditEntry   // one entry of the audit log
	PulledOrder  = store.PulledOrder  // an order fetched from the platform
	// LockedOutError: too many wrong passwords; Until says until when.
	LockedOutError = store.LockedOutError
)

// The upload states of an invoice, the mail states, and the roles.
const (
	SyncQueued = store.SyncQueued
	SyncAcked  = store.SyncAcked
	SyncDead   = store.SyncDead
	MailQueued = store.MailQueued
	MailSent   = store.MailSent
	MailFailed = store.MailFailed
	MailNone   = store.MailNone
	RoleAdmin  = store.RoleAdmin
	RoleClerk  = store.RoleClerk
)

// The refusals of the operator use cases.
var (
	ErrBadLogin        = store.ErrBadLogin
	ErrOperatorExists  = store.ErrOperatorExists
	ErrWeakPassword    = store.ErrWeakPassword
	ErrOperatorDisable = store.ErrOperatorDisable
	// ErrNotFound: no invoice (record) of that number.
	ErrNotFound = store.ErrNotFound
)

// Close releases what the service's workstation holds: the device, and the store where
// the workstation opened it (not WithStore's).
func (s *Service) Close() { s.w.Close() }

// Operator is who the service acts for.
func (s *Service) Operator() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.operator
}

func (s *Service) setOperator(name string) {
	s.mu.Lock()
	s.operator = name
	s.mu.Unlock()
	s.w.Engine.SetOperator(name)
}

// HasOperators says whether the first run has set up an administrator.
func (s *Service) HasOperators() (bool, error) { return s.w.Store.HasOperators() }

// SetUp is the first run: the administrator and the seller. The service then acts for
// the administrator (the connection chosen on the same screen is theirs in the audit log).
func (s *Service) SetUp(admin, password string, seller invoice.Party) error {
	if err := s.w.Store.CreateOperator(admin, store.RoleAdmin, password, "setup"); err != nil {
		return err
	}
	if err := s.w.Store.SetSeller(seller, admin); err != nil {
		return err
	}
	s.w.Engine.SetSeller(seller)
	s.setOperator(admin)
	return nil
}

// LogIn checks an operator's password; the service then acts for them, and they are the
// 开票人 of what they issue.
func (s *Service) LogIn(name, password string) (Operator, error) {
	op, err := s.w.Store.Authenticate(name, password)
	if err != nil {
		return op, err
	}
	s.setOperator(op.Name)
	return op, nil
}

// Operators lists the operators.
func (s *Service) Operators() ([]Operator, error) { return s.w.Store.Operators() }

// CreateOperator adds an operator.
func (s *Service) CreateOperator(name string, role Role, password string) error {
	return s.w.Store.CreateOperator(name, role, password, s.Operator())
}

// Seller is the seller as set.
func (s *Service) Seller() (invoice.Party, error) { return s.w.Store.Seller() }

// SetSeller changes the seller for the invoices issued from now on.
func (s *Service) SetSeller(p invoice.Party) error {
	if err := s.w.Store.SetSeller(p, s.Operator()); err != nil {
		return err
	}
	s.w.Engine.SetSeller(p)
	return nil
}

// Connection is the device and the platform as saved for the next start.
func (s *Service) Connection() (Connection, error) { return s.w.Store.Connection() }

// SetConnection saves the device and the platform for the next start.
func (s *Service) SetConnection(c Connection) error { return s.w.Store.SetConnection(c, s.Operator()) }

// MailSettings is the mail server the buyers' invoices go out through.
func (s *Service) MailSettings() (MailSettings, error) { return s.w.Store.MailSettings() }

// SetMailSettings saves the mail server.
func (s *Service) SetMailSettings(m MailSettings) error {
	return s.w.Store.SetMailSettings(m, s.Operator())
}

// VerifyAudit checks the audit log's chain and seals; it returns the entries checked.
func (s *Service) VerifyAudit() (int, error) { return s.w.Store.VerifyAudit() }

// AuditLog returns up to n audit entries from sequence number from on.
func (s *Service) AuditLog(from uint64, n int) ([]AuditEntry, error) {
	return s.w.Store.AuditLog(from, n)
}

// Rules are the rules an order is checked against now: the tax codes, the channel's
// limits as last read, the seller and the operator.
func (s *Service) Rules() invoice.Config {
	return invoice.Config{Codes: s.w.Engine.Codes, Limits: s.w.CurrentLimits(), Seller: s.w.Engine.Seller,
		Operator: s.Operator(), Digital: s.w.Engine.Digital}
}

// Limits are the issuing channel's limits as last read (zero before it first answered).
func (s *Service) Limits() invoice.Limits { return s.w.CurrentLimits() }

// Issue issues an order (blue, or red with RedOf set): one outcome per invoice.
func (s *Service) Issue(ctx context.Context, o *invoice.Order) ([]invoice.Outcome, error) {
	return s.w.Engine.Issue(ctx, o)
}

// IssueBatch issues orders one after the other, each result to each as it comes.
func (s *Service) IssueBatch(ctx context.Context, orders []*invoice.Order, each func(invoice.BatchResult)) error {
	return s.w.Engine.IssueBatch(ctx, orders, each)
}

// IssueRest issues the parts of a partly issued order not yet issued.
func (s *Service) IssueRest(ctx context.Context, orderID string) ([]invoice.Outcome, error) {
	return s.w.Engine.IssueRest(ctx, orderID)
}

// PartlyIssuedOrders lists the orders split into several invoices of which some are
// not issued yet.
func (s *Service) PartlyIssuedOrders() ([]invoice.PartlyIssued, error) {
	return s.w.Store.PartlyIssuedOrders()
}
