package upload

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
)

// The confirmation slips (红字发票信息确认单, docs/digital.md "Confirmation slips"): the
// wire form shared by the platform and the workstation's client. Every call is an
// envelope (Seal) like the invoices'; the slip's parties are the envelope's signer and
// the other enterprise of the blue invoice.
const (
	PathSlips     = "/v1/slips"      // KindSlipRequest → Slip (POST: a new slip)
	PathSlipsList = "/v1/slips/list" // KindSlipList → SlipList
	// PathSlipPrefix + number + "/" + SlipConfirm|SlipRefuse|SlipWithdraw: KindSlipAnswer → Slip.
	// A number alone (KindSlipGet) returns the slip.
	PathSlipPrefix = "/v1/slips/"
)

// The kinds of slip payload.
const (
	KindSlipRequest = "slip-request" // Slip: a SlipRequest in JSON
	KindSlipList    = "slip-list"    // Slip: a SlipListRequest in JSON
	KindSlipGet     = "slip-get"     // Slip: {"number": …}
	KindSlipAnswer  = "slip-answer"  // Slip: a SlipAnswer in JSON
)

// The answers to a slip.
const (
	SlipConfirm  = "confirm"  // Y: the other party agrees
	SlipRefuse   = "refuse"   // N: the other party refuses
	SlipWithdraw = "withdraw" // C: the party that started it takes it back
	// SlipClaim: the seller reserves a usable slip for the red invoice it is about to
	// issue under RedNumber; from then on nobody can withdraw the slip.
	SlipClaim = "claim"
)

// The states of a slip (docs/digital.md "Confirmation slips").
const (
	SlipNoConfirmation      = "01" // 无需确认
	SlipSellerAwaitsBuyer   = "02" // 销方录入待购方确认
	SlipBuyerAwaitsSeller   = "03" // 购方录入待销方确认
	SlipConfirmed           = "04" // 购销双方已确认
	SlipVoidBuyerRefused    = "05" // 作废（销方录入购方否认）
	SlipVoidSellerRefused   = "06" // 作废（购方录入销方否认）
	SlipVoidExpired         = "07" // 作废（超72小时未确认）
	SlipVoidWithdrawn       = "08" // 作废（发起方撤销）
	SlipVoidConfirmWithdraw = "09" // 作废（确认后撤销）
)

// SlipStateText is the state's name as the tax authority writes it.
var SlipStateText = map[string]string{
	SlipNoConfirmation:      "无需确认",
	SlipSellerAwaitsBuyer:   "销方录入待购方确认",
	SlipBuyerAwaitsSeller:   "购方录入待销方确认",
	SlipConfirmed:           "购销双方已确认",
	SlipVoidBuyerRefused:    "作废（销方录入购方否认）",
	SlipVoidSellerRefused:   "作废（购方录入销方否认）",
	SlipVoidExpired:         "作废（超72小时未确认）",
	SlipVoidWithdrawn:       "作废（发起方撤销）",
	SlipVoidConfirmWithdraw: "作废（确认后撤销）",
}

// SlipUsable reports whether a slip in state lets the seller issue its red invoice.
func SlipUsable(state string) bool { return state == SlipNoConfirmation || state == SlipConfirmed }

// SlipRequest asks the platform for a new slip against a blue invoice the platform holds.
type SlipRequest struct {
	// RequestID makes the request idempotent: the same requester and ID get the slip
	// made the first time (a retry after a lost answer makes no second slip).
	RequestID string `json:"request_id"`
	// Of is the blue invoice: its 20-digit number, or CODE:NUMBER for a device's.
	Of string `json:"of"`
	// Lines reverse parts of the blue invoice's goods lines; Amount (before tax) reverses
	// that much from its goods lines in order; neither reverses what is left of it all.
	Lines  []invoice.RedLineRequest `json:"lines,omitempty"`
	Amount string                   `json:"amount,omitempty"`
	// Reason: 开票有误, 销货退回, 服务中止 or 销售折让 (or its number 1–4).
	Reason string `json:"reason"`
	// Quick asks for a quick full red (快捷全额红冲): the whole invoice, started by the
	// seller, refused unless the slip needs no confirmation (01).
	Quick bool `json:"quick,omitempty"`
}

// SlipListRequest asks for the slips the signer is a party to: those it started, or
// with Incoming those the other party started (waiting for the signer's answer first).
type SlipListRequest struct {
	Incoming bool `json:"incoming"`
}

// SlipAnswer confirms, refuses or withdraws a slip.
type SlipAnswer struct {
	Number string `json:"number"`
	Action string `json:"action"` // SlipConfirm, SlipRefuse, SlipWithdraw or SlipClaim
	// RedNumber is the red invoice a claim reserves the slip for.
	RedNumber string `json:"red_number,omitempty"`
}

// Slip is a confirmation slip as the platform keeps and serves it. Amounts are the red
// invoice's: negative, in yuan with two places.
type Slip struct {
	Number    string `json:"number"` // 20 digits, assigned by the platform
	State     string `json:"state"`  // 01…09
	StateText string `json:"state_text"`
	// Blue is the blue invoice: BlueCode is empty for a digital invoice (20-digit number).
	BlueCode    string `json:"blue_code,omitempty"`
	Blue        string `json:"blue"`
	BlueKind    string `json:"blue_kind"`
	SellerTaxID string `json:"seller_tax_id"`
	SellerName  string `json:"seller_name"`
	BuyerTaxID  string `json:"buyer_tax_id,omitempty"`
	BuyerName   string `json:"buyer_name"`
	// Initiator is who started it, "seller" or "buyer" (lrfsf 0 or 1).
	Initiator string `json:"initiator"`
	Lrfsf     string `json:"lrfsf"`
	Reason    string `json:"reason"`
	// Lines are what the red invoice reverses, line by line of the blue invoice, with the
	// quantity and amount before tax each takes (positive, as a red order gives them).
	Lines     []invoice.RedLineRequest `json:"lines"`
	Amount    string                   `json:"amount"`
	Tax       string                   `json:"tax"`
	Total     string                   `json:"total"`
	RequestID string                   `json:"request_id"`
	CreatedAt time.Time                `json:"created_at"`
	// Deadline is when an unanswered slip becomes void (07): 72 hours after CreatedAt.
	Deadline   time.Time `json:"deadline"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	// RedNumber is the red invoice that used the slip, once the platform has it.
	RedNumber string `json:"red_number,omitempty"`
	// Red is the red invoice the platform expects (wire form without the issued
	// fields): its lines and totals.
	Red json.RawMessage `json:"red,omitempty"`
}

// SlipList answers PathSlipsList.
type SlipList struct {
	Slips []Slip `json:"slips"`
}

// BlueName is how the slip names its blue invoice: the number, or CODE:NUMBER.
func (s *Slip) BlueName() string {
	if s.BlueCode == "" {
		return s.Blue
	}
	return s.BlueCode + ":" + s.Blue
}

// ValidSlipNumber reports whether s has the form of a slip number: 20 digits.
func ValidSlipNumber(s string) bool {
	if len(s) != 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseSlipReason reads a reason as its Chinese name or its number 1–4.
func ParseSlipReason(s string) (invoice.RedReason, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= 4 {
		return invoice.RedReason(n), nil
	}
	for r := invoice.ReasonError; r <= invoice.ReasonDiscount; r++ {
		if r.Text() == s {
			return r, nil
		}
	}
	return 0, invoice.NewProblem(nil, "slip.reason", invoice.Args{"value": invoice.Quote(s)}, nil)
}
