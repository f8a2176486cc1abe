package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// The confirmation slips (红字发票信息确认单) as the platform plays the tax authority for
// them (docs/digital.md "Confirmation slips"): one enterprise of a blue invoice asks for
// a red reversal, the other confirms or refuses, the one who asked may withdraw; an
// unanswered slip is void 72 hours after it was made; a usable slip yields one red
// invoice. The rules are here, pure; SlipStore keeps the slips.

// SlipExpiry is how long a slip waits for the other party's answer.
const SlipExpiry = 72 * time.Hour

// Errors of the slips, for errors.Is; the API answers each with its own status.
var (
	ErrSlipNotFound = errors.New("no such confirmation slip")                // 404
	ErrSlipParty    = errors.New("not a party to this invoice or slip")      // 403
	ErrSlipState    = errors.New("the slip's state does not allow this")     // 409
	ErrSlipRequest  = errors.New("the confirmation slip request is invalid") // 400
	ErrSlipUsed     = errors.New("the confirmation slip has yielded its red invoice already")
)

// The parties' roles on a slip.
const (
	roleSeller = "seller"
	roleBuyer  = "buyer"
)

// SlipNumber is the 20-digit number of the seq-th slip: YY (the year it is made,
// Beijing time), the seller's region (digits 3–4 of its credit code, "00" when they are
// not digits), 8 (slips, beside the channel digit 7 of the invoice numbers) and the
// platform's sequence in 15 digits.
func SlipNumber(sellerTaxID string, at time.Time, seq uint64) string {
	region := "00"
	if len(sellerTaxID) >= 4 && isDigits(sellerTaxID[2:4]) {
		region = sellerTaxID[2:4]
	}
	return fmt.Sprintf("%02d%s8%015d", at.In(invoice.Beijing).Year()%100, region, seq%1_000_000_000_000_000)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseBlue reads how a request names its blue invoice: a 数电票's 20-digit number. A
// device's invoice (CODE:NUMBER) is reversed under the device's red-letter notice, not a
// slip (docs/digital.md).
func ParseBlue(of string) (code, number string, err error) {
	if invoice.ValidDigitalNumber(of) {
		return "", of, nil
	}
	return "", "", fmt.Errorf("%w: 蓝字发票 %s 应为20位数电票号码（税控发票冲红使用红字信息表）; the blue invoice must be a 20-digit digital invoice number",
		ErrSlipRequest, invoice.Quote(of))
}

// setState moves s to state and keeps its text in step.
func setState(s *upload.Slip, state string) {
	s.State, s.StateText = state, upload.SlipStateText[state]
}

// expire voids s (07) when it still waits for an answer at its deadline; it reports
// whether it changed s.
func expire(s *upload.Slip, now time.Time) bool {
	if (s.State == upload.SlipSellerAwaitsBuyer || s.State == upload.SlipBuyerAwaitsSeller) && !now.Before(s.Deadline) {
		setState(s, upload.SlipVoidExpired)
		s.AnsweredAt = s.Deadline
		return true
	}
	return false
}

// role is taxID's part in s, "" for none.
func role(s *upload.Slip, taxID string) string {
	switch {
	case taxID == "":
		return ""
	case taxID == s.SellerTaxID:
		return roleSeller
	case taxID == s.BuyerTaxID:
		return roleBuyer
	}
	return ""
}

// answer applies taxID's action to s at now, after expiry. Giving the same answer twice
// is not an error (a retried request finds its answer done) and changes nothing; it
// reports whether s changed.
func answer(s *upload.Slip, taxID, action string, now time.Time) (bool, error) {
	r := role(s, taxID)
	if r == "" {
		return false, fmt.Errorf("slip %s: %w", s.Number, ErrSlipNotFound)
	}
	starter := r == s.Initiator
	var from []string
	var to string
	switch action {
	case upload.SlipConfirm, upload.SlipRefuse:
		if starter {
			return false, fmt.Errorf("%w: 确认单 %s 由本方发起，应由对方确认或否认; slip %s was started by this party: the other party answers it",
				ErrSlipState, s.Number, s.Number)
		}
		pending := upload.SlipSellerAwaitsBuyer
		if r == roleSeller {
			pending = upload.SlipBuyerAwaitsSeller
		}
		from = []string{pending}
		to = upload.SlipConfirmed
		if action == upload.SlipRefuse {
			to = upload.SlipVoidBuyerRefused
			if r == roleSeller {
				to = upload.SlipVoidSellerRefused
			}
		}
	case upload.SlipWithdraw:
		if !starter {
			return false, fmt.Errorf("%w: 确认单 %s 由对方发起，只能确认或否认; slip %s was started by the other party: confirm or refuse it",
				ErrSlipState, s.Number, s.Number)
		}
		switch s.State {
		case upload.SlipConfirmed:
			from, to = []string{upload.SlipConfirmed}, upload.SlipVoidConfirmWithdraw
		default:
			from, to = []string{upload.SlipNoConfirmation, upload.SlipSellerAwaitsBuyer, upload.SlipBuyerAwaitsSeller}, upload.SlipVoidWithdrawn
		}
	default:
		return false, fmt.Errorf("%w: action %s: confirm, refuse or withdraw", ErrSlipRequest, invoice.Quote(action))
	}
	if s.State == to {
		return false, nil
	}
	if s.RedNumber != "" {
		return false, fmt.Errorf("%w: 确认单 %s 已开具红字发票 %s; slip %s has yielded red invoice %s", ErrSlipUsed, s.Number, s.RedNumber, s.Number, s.RedNumber)
	}
	for _, f := range from {
		if s.State == f {
			setState(s, to)
			s.AnsweredAt = now
			return true, nil
		}
	}
	return false, fmt.Errorf("%w: 确认单 %s 状态为 %s %s，不能%s; slip %s is in state %s, cannot %s", ErrSlipState,
		s.Number, s.State, s.StateText, actionText[action], s.Number, s.State, action)
}

var actionText = map[string]string{upload.SlipConfirm: "确认", upload.SlipRefuse: "否认", upload.SlipWithdraw: "撤销"}

// useSlip records that the red invoice redNumber of seller uses s: s must be the
// seller's, usable (01 or 04), and not used by another red invoice. The same red
// invoice again is not an error.
func useSlip(s *upload.Slip, seller, redNumber string) (bool, error) {
	switch {
	case s.SellerTaxID != seller:
		return false, fmt.Errorf("slip %s: %w", s.Number, ErrSlipNotFound)
	case s.RedNumber == redNumber:
		return false, nil
	case s.RedNumber != "":
		return false, fmt.Errorf("%w: 确认单 %s 已开具红字发票 %s; slip %s has yielded red invoice %s", ErrSlipUsed, s.Number, s.RedNumber, s.Number, s.RedNumber)
	case !upload.SlipUsable(s.State):
		return false, fmt.Errorf("%w: 确认单 %s 状态为 %s %s，不能开具红字发票; slip %s is in state %s: no red invoice", ErrSlipState,
			s.Number, s.State, s.StateText, s.Number, s.State)
	}
	s.RedNumber = redNumber
	return true, nil
}

// claimSlip reserves s for seller's red invoice redNumber before it is issued: s must be
// the seller's and usable. A claim held by another number moves only when heldOther says
// the platform holds no red invoice of s under that number (the seller's workstation
// claimed it and then issued nothing under it, or issuing was refused and the number
// went to another invoice); it reports whether s changed.
func claimSlip(s *upload.Slip, seller, redNumber string, heldOther func(number string) bool) (bool, error) {
	switch {
	case s.SellerTaxID != seller:
		return false, fmt.Errorf("slip %s: %w", s.Number, ErrSlipNotFound)
	case !invoice.ValidDigitalNumber(redNumber):
		return false, fmt.Errorf("%w: red invoice number %s is not 20 digits", ErrSlipRequest, invoice.Quote(redNumber))
	case s.RedNumber == redNumber:
		return false, nil
	case !upload.SlipUsable(s.State):
		return false, fmt.Errorf("%w: 确认单 %s 状态为 %s %s，不能开具红字发票; slip %s is in state %s: no red invoice", ErrSlipState,
			s.Number, s.State, s.StateText, s.Number, s.State)
	case s.RedNumber != "" && heldOther(s.RedNumber):
		return false, fmt.Errorf("%w: 确认单 %s 已开具红字发票 %s; slip %s has yielded red invoice %s", ErrSlipUsed, s.Number, s.RedNumber, s.Number, s.RedNumber)
	}
	s.RedNumber = redNumber
	return true, nil
}

// redOfSlip reports whether raw, an invoice in the upload's wire form, is a red invoice
// naming slip.
func redOfSlip(raw []byte, slip string) bool {
	var w struct {
		RedOf *struct {
			Slip string `json:"slip"`
		} `json:"red_of"`
	}
	return json.Unmarshal(raw, &w) == nil && w.RedOf != nil && w.RedOf.Slip == slip
}
