package ui

import (
	"context"

	"github.com/kaipiao/kaipiao/export"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/printing"
	"github.com/kaipiao/kaipiao/workstation"
)

// Service is what the screens ask of the rest of the program: the application service's
// use cases (package workstation's Service implements it; main and the tests wire that
// one). The screens never reach the store, the engine or the device themselves
// (docs/DESIGN.md, import rules).
type Service interface {
	// The session: the first run, the log-in and the operators.
	HasOperators() (bool, error)
	SetUp(admin, password string, seller invoice.Party) error
	LogIn(name, password string) (workstation.Operator, error)
	Operators() ([]workstation.Operator, error)
	CreateOperator(name string, role workstation.Role, password string) error

	// The settings and the audit log.
	Seller() (invoice.Party, error)
	SetSeller(invoice.Party) error
	Connection() (workstation.Connection, error)
	SetConnection(workstation.Connection) error
	MailSettings() (workstation.MailSettings, error)
	SetMailSettings(workstation.MailSettings) error
	VerifyAudit() (int, error)
	AuditLog(from uint64, n int) ([]workstation.AuditEntry, error)
	// ImportPKI and DemoPKI install certificates and say what they did.
	ImportPKI(name, certFile, keyFile, keyPass string) (invoice.Said, error)
	DemoPKI() (invoice.Said, error)

	// Issuing: the rules an order is checked against, blue and red invoices, batches and
	// the rest of a partly issued order.
	Rules() invoice.Config
	Limits() invoice.Limits
	Issue(ctx context.Context, o *invoice.Order) ([]invoice.Outcome, error)
	IssueBatch(ctx context.Context, orders []*invoice.Order, each func(invoice.BatchResult)) error
	IssueRest(ctx context.Context, orderID string) ([]invoice.Outcome, error)
	PartlyIssuedOrders() ([]invoice.PartlyIssued, error)

	// The issued invoices: search, reds, statistics, upload, mail, print and documents.
	List(q workstation.Query) (workstation.Page, error)
	ListAll(q workstation.Query) ([]*workstation.Record, error)
	RedsOf(code, number string) ([]*invoice.Invoice, error)
	MonthStats(month string) (export.Stats, []*workstation.Record, error)
	PendingCount() (queued, dead int, err error)
	RetryDead() error
	MailStatusOf(id uint64) (workstation.MailStatus, error)
	QueueMail(id uint64, to string) error
	RecordPrint(r *printing.Result) error
	RenderPDF(inv *invoice.Invoice) ([]byte, error)
	RenderOFD(inv *invoice.Invoice) ([]byte, error)

	// The master data, the column mappings and the platform's orders.
	Buyers() ([]invoice.Party, error)
	AllGoods() ([]workstation.Goods, error)
	PutBuyers(ps ...invoice.Party) error
	PutGoods(gs ...workstation.Goods) error
	DeleteBuyer(name, taxID string) error
	DeleteGoods(name, spec string) error
	ImportBuyers(data []byte) (int, error)
	ImportGoods(data []byte) (int, error)
	SuggestBuyers(text string) []invoice.Party
	SuggestGoods(text string) []workstation.Goods
	ColumnMappings() ([]string, error)
	ColumnMapping(name string) (map[string]string, error)
	SetColumnMapping(name string, m map[string]string) error
	PulledOrders() ([]workstation.PulledOrder, error)

	// The issuing channel and the platform's sync.
	ChannelState(ctx context.Context) (workstation.ChannelState, error)
	Link() workstation.ChannelLink
	RetryDevice()
	ChooseDevice(addr string)
	Ports() []workstation.PortChoice
	SyncStatus() (workstation.SyncStatus, bool)
	SyncNow()
}

var _ Service = (*workstation.Service)(nil)

// The channel's views, as the service gives them.
type (
	// DeviceState is the channel at a glance, for the home screen.
	DeviceState = workstation.ChannelState
	// LinkState is the channel's connection as the banner shows it.
	LinkState = workstation.ChannelLink
	// PortChoice is a serial port the system has, for choosing the device.
	PortChoice = workstation.PortChoice
	// SyncState is the background sync at a glance.
	SyncState = workstation.SyncStatus
	// DeviceStatus, DeviceRoll, DeviceOffline and DeviceReport are the device panel's views.
	DeviceStatus  = workstation.DeviceStatus
	DeviceRoll    = workstation.DeviceRoll
	DeviceOffline = workstation.DeviceOffline
	DeviceReport  = workstation.DeviceReport
)

// ForService is the screens' workstation over the application service, as the program
// wires it (main, and the tests through the same function): the service, its device
// panel, and builtIn, the address of the built-in simulator where the program registers
// one (empty otherwise). The operator is the service's until someone logs in.
func ForService(s *workstation.Service, builtIn string) *Workstation {
	ws := &Workstation{Service: s, Operator: s.Operator(), BuiltIn: builtIn}
	if p := s.Panel(); p != nil { // a channel without a device has no panel
		ws.Device = p
	}
	return ws
}
