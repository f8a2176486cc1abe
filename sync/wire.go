package sync

import (
	"encoding/json"
	"time"
)

// The platform's HTTP interface, shared by the uploader and sync/platform. Every
// endpoint but PathOrders takes an envelope (Seal) signed by the enterprise and
// encrypted to the platform, as application/cms; answers are JSON unless said otherwise.
const (
	PathInvoices = "/v1/invoices"      // KindInvoices → InvoicesResponse
	PathList     = "/v1/invoices/list" // KindList → JSON lines, one per invoice held for the signer
	PathUpload   = "/v1/tax/upload"    // KindUpload → device.UploadAck, binary
	PathOrders   = "/v1/orders"        // an ERP posts PostOrder JSON
	PathPull     = "/v1/orders/pull"   // KindPull → PullResponse
	PathOrderAck = "/v1/orders/ack"    // KindOrdersAck → {"acked": n}
)

// ErrorBody is the JSON of every refusal. Permanent tells the workstation not to send
// the same content again (it goes to the dead letters); otherwise it retries with a new
// envelope.
type ErrorBody struct {
	Error     string `json:"error"`
	Permanent bool   `json:"permanent"`
}

// ItemResult is the platform's answer for one invoice: its receipt (a Receipt in JSON),
// or why it is refused for good.
type ItemResult struct {
	RequestID string          `json:"request_id"`
	Receipt   json.RawMessage `json:"receipt,omitempty"`
	Error     string          `json:"error,omitempty"`
}

// InvoicesResponse answers PathInvoices, one result per item, in the items' order.
type InvoicesResponse struct {
	Results []ItemResult `json:"results"`
}

// PostOrder is what an ERP posts to PathOrders: the enterprise the order is for, and the
// order in the form of order.md (its order_id identifies it).
type PostOrder struct {
	SellerTaxID string          `json:"seller_tax_id"`
	Order       json.RawMessage `json:"order"`
}

// Order is an order assigned to an enterprise, as the platform keeps and serves it.
type Order struct {
	ID          string          `json:"id"`
	SellerTaxID string          `json:"seller_tax_id"`
	Order       json.RawMessage `json:"order"`
	PostedAt    time.Time       `json:"posted_at"`
	AckedAt     time.Time       `json:"acked_at,omitzero"`
}

// PullResponse answers PathPull: the orders waiting for the signing enterprise.
type PullResponse struct {
	Orders []Order `json:"orders"`
	// AuditAnchor is the audit head the platform held before this pull (the workstation
	// checks that its log still has it); AuditError says why the head sent was refused
	// (a log that went backwards).
	AuditAnchor *AuditAnchor `json:"audit_anchor,omitempty"`
	AuditError  string       `json:"audit_error,omitempty"`
}
