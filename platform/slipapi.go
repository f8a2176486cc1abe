package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// The slip endpoints (upload.PathSlips…): each is an envelope of the enterprise, whose
// tax ID (the TLS client certificate's and the signer's) is the party acting.

// slipStore is the server's SlipStore: Slips when set, else DB (bbolt or PostgreSQL).
func (s *Server) slipStore() SlipStore {
	if s.Slips != nil {
		return s.Slips
	}
	return s.DB
}

// routeSlips adds the slip endpoints to mux.
func (s *Server) routeSlips(mux *http.ServeMux) {
	mux.HandleFunc("POST "+upload.PathSlips, s.enveloped(upload.KindSlipRequest, s.slipRequest))
	mux.HandleFunc("POST "+upload.PathSlipsList, s.enveloped(upload.KindSlipList, s.slipList))
	mux.HandleFunc("POST "+upload.PathSlipPrefix+"{slip}", s.enveloped(upload.KindSlipGet, s.slipGet))
	mux.HandleFunc("POST "+upload.PathSlipPrefix+"{slip}/{action}", s.enveloped(upload.KindSlipAnswer, s.slipAnswer))
}

// slipFail answers a slip error with its status.
func (s *Server) slipFail(w http.ResponseWriter, err error) {
	var errs invoice.Errors
	switch {
	case errors.Is(err, ErrSlipNotFound):
		s.fail(w, http.StatusNotFound, true, err)
	case errors.Is(err, ErrSlipState), errors.Is(err, ErrSlipUsed):
		s.fail(w, http.StatusConflict, true, err)
	case errors.Is(err, ErrSlipRequest), errors.As(err, &errs):
		s.fail(w, http.StatusBadRequest, true, err)
	default:
		s.fail(w, http.StatusInternalServerError, false, err)
	}
}

func (s *Server) slipRequest(w http.ResponseWriter, r *request) {
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	var req upload.SlipRequest
	if err := json.Unmarshal(r.p.Slip, &req); err != nil {
		s.slipFail(w, fmt.Errorf("%w: %v", ErrSlipRequest, err))
		return
	}
	if req.RequestID == "" || len(req.RequestID) > 64 {
		s.slipFail(w, fmt.Errorf("%w: request_id must be 1 to 64 bytes", ErrSlipRequest))
		return
	}
	code, number, err := ParseBlue(req.Of)
	if err != nil {
		s.slipFail(w, err)
		return
	}
	store := s.slipStore()
	held, err := store.HeldInvoice(code, number)
	if err != nil {
		s.slipFail(w, err)
		return
	}
	if held == nil {
		s.slipFail(w, errNoBlue(req.Of))
		return
	}
	blue, err := upload.DecodeInvoice(held.Invoice)
	if err != nil {
		s.slipFail(w, err)
		return
	}
	reds, err := store.RedInvoicesOf(held.SellerTaxID, code, number)
	if err != nil {
		s.slipFail(w, err)
		return
	}
	now := s.businessNow()
	slip, created, err := store.CreateSlip(r.taxID, req.RequestID, code, number, now, func(earlier []*upload.Slip) (*upload.Slip, error) {
		return makeSlip(&req, r.taxID, blue, reds, earlier)
	})
	if err != nil {
		s.slipFail(w, err)
		return
	}
	info(r.http).outcome += fmt.Sprintf(" slip %s state %s created %t", slip.Number, slip.State, created)
	writeJSON(w, http.StatusOK, slip)
}

func (s *Server) slipList(w http.ResponseWriter, r *request) {
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	var req upload.SlipListRequest
	if len(r.p.Slip) > 0 {
		if err := json.Unmarshal(r.p.Slip, &req); err != nil {
			s.slipFail(w, fmt.Errorf("%w: %v", ErrSlipRequest, err))
			return
		}
	}
	all, err := s.slipStore().Slips(r.taxID, s.businessNow())
	if err != nil {
		s.slipFail(w, err)
		return
	}
	out := upload.SlipList{Slips: []upload.Slip{}}
	for _, sl := range all {
		if (role(sl, r.taxID) != sl.Initiator) == req.Incoming {
			out.Slips = append(out.Slips, *sl)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) slipGet(w http.ResponseWriter, r *request) {
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	number := r.http.PathValue("slip")
	sl, err := s.slipStore().Slip(number, s.businessNow())
	if err == nil && role(sl, r.taxID) == "" {
		// Another enterprise's slip is not even said to exist.
		err = fmt.Errorf("slip %s: %w", number, ErrSlipNotFound)
	}
	if err != nil {
		s.slipFail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sl)
}

func (s *Server) slipAnswer(w http.ResponseWriter, r *request) {
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	number, action := r.http.PathValue("slip"), r.http.PathValue("action")
	var a upload.SlipAnswer
	if err := json.Unmarshal(r.p.Slip, &a); err != nil || a.Number != number || a.Action != action {
		// The signed payload must say what the path says: the path is not signed.
		s.slipFail(w, fmt.Errorf("%w: the signed answer names %s %s, the path %s %s", ErrSlipRequest,
			invoice.Quote(a.Number), invoice.Quote(a.Action), invoice.Quote(number), invoice.Quote(action)))
		return
	}
	var sl *upload.Slip
	var err error
	if action == upload.SlipClaim {
		sl, err = s.slipStore().ClaimSlip(number, r.taxID, a.RedNumber, s.businessNow())
	} else {
		sl, err = s.slipStore().AnswerSlip(number, r.taxID, action, s.businessNow())
	}
	if err != nil {
		s.slipFail(w, err)
		return
	}
	info(r.http).outcome += fmt.Sprintf(" slip %s %s → %s", number, action, sl.State)
	writeJSON(w, http.StatusOK, sl)
}

// makeSlip builds the slip requester asks for against blue: who starts it, its state,
// and what it reverses — computed by the rules of red invoices (invoice.Reverse) against
// what the red invoices held and the earlier slips still standing reverse already.
func makeSlip(req *upload.SlipRequest, requester string, blue *invoice.Invoice, reds []*Stored, earlier []*upload.Slip) (*upload.Slip, error) {
	reason, err := upload.ParseSlipReason(req.Reason)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSlipRequest, err)
	}
	sl := &upload.Slip{BlueCode: blue.Code, Blue: blue.Number, BlueKind: string(blue.Kind),
		SellerTaxID: blue.Seller.TaxID, SellerName: blue.Seller.Name, BuyerTaxID: blue.Buyer.TaxID, BuyerName: blue.Buyer.Name,
		Reason: reason.Text()}
	switch requester {
	case blue.Seller.TaxID:
		sl.Initiator, sl.Lrfsf = roleSeller, "0"
	case blue.Buyer.TaxID:
		sl.Initiator, sl.Lrfsf = roleBuyer, "1"
	default:
		// To anyone but its two parties the invoice is not there.
		return nil, errNoBlue(req.Of)
	}
	if blue.IsRed() {
		return nil, fmt.Errorf("%w: 发票 %s 本身是红字发票; invoice %s is itself red", ErrSlipRequest, req.Of, req.Of)
	}
	// What is reversed already: every red invoice held that no slip accounts for, and
	// every slip that stands or yielded its red invoice.
	var done []*invoice.Invoice
	bySlip := map[string]bool{}
	for _, e := range earlier {
		if e.State > upload.SlipConfirmed {
			continue
		}
		if e.RedNumber != "" {
			bySlip[e.RedNumber] = true
		}
		red, err := upload.DecodeInvoice(e.Red)
		if err != nil {
			return nil, fmt.Errorf("slip %s: its red invoice: %w", e.Number, err)
		}
		done = append(done, red)
	}
	for _, st := range reds {
		if bySlip[st.Number] {
			continue
		}
		red, err := upload.DecodeInvoice(st.Invoice)
		if err != nil {
			return nil, fmt.Errorf("red invoice %s: %w", st.Number, err)
		}
		done = append(done, red)
	}
	// The lines are computed by the rules of red invoices on a stand-in of the blue
	// invoice under a device's code and number and as a 普票: what a red invoice
	// reverses does not depend on them, and the slip stands for the red-letter notice a
	// 专票 would otherwise need.
	stand := *blue
	stand.Kind, stand.Code, stand.Number = invoice.KindOrdinary, "000000000000", "00000000"
	rr := &invoice.RedRequest{Code: stand.Code, Number: stand.Number, Reason: int(reason), Lines: req.Lines}
	if req.Amount != "" {
		if len(req.Lines) > 0 {
			return nil, fmt.Errorf("%w: give lines or amount, not both", ErrSlipRequest)
		}
		if rr.Lines, err = byAmount(req.Amount, invoice.Remaining(blue, done)); err != nil {
			return nil, err
		}
	}
	red, errs := invoice.Reverse(&stand, done, &invoice.Order{OrderID: "SLIP", RedOf: rr}, invoice.Config{Limits: invoice.DefaultLimits})
	if errs != nil {
		return nil, fmt.Errorf("%w: %v", ErrSlipRequest, errs)
	}
	red.Kind, red.Red, red.Remark = blue.Kind, &invoice.RedLink{Code: blue.Code, Number: blue.Number, Reason: reason}, ""
	for _, l := range red.Lines {
		rl := invoice.RedLineRequest{Line: l.Of, Amount: (-l.Amount).String()}
		if !l.Quantity.IsZero() {
			rl.Quantity = l.Quantity.Neg().String()
		}
		sl.Lines = append(sl.Lines, rl)
	}
	t := red.Totals()
	sl.Amount, sl.Tax, sl.Total = t.Amount.String(), t.Tax.String(), t.Total.String()
	red.RequestID = ""
	if sl.Red, err = upload.EncodeInvoice(red); err != nil {
		return nil, err
	}
	switch {
	case sl.Initiator == roleBuyer:
		sl.State = upload.SlipBuyerAwaitsSeller
	case sl.BuyerTaxID == "":
		// A buyer with no tax ID is no VAT-registered enterprise: nobody to confirm.
		sl.State = upload.SlipNoConfirmation
	default:
		sl.State = upload.SlipSellerAwaitsBuyer
	}
	if req.Quick && (sl.State != upload.SlipNoConfirmation || len(req.Lines) > 0 || req.Amount != "" || len(done) > 0) {
		return nil, fmt.Errorf("%w: 快捷全额红冲仅适用于购方非增值税纳税人且未部分冲红的蓝字发票，请发起红字确认单由购方确认; "+
			"quick full red needs a buyer without a tax ID and a blue invoice not partly reversed: request a slip for the buyer to confirm",
			ErrSlipState)
	}
	return sl, nil
}

// byAmount spreads an amount before tax over the goods lines in order, each taking at
// most what is left of it.
func byAmount(amount string, left []invoice.LineLeft) ([]invoice.RedLineRequest, error) {
	a, err := invoice.ParseMoney(strings.TrimPrefix(amount, "-"))
	if err != nil || a <= 0 {
		return nil, fmt.Errorf("%w: 冲红金额 %s 应为大于0的金额（元，两位小数）; amount must be a positive amount in yuan", ErrSlipRequest, invoice.Quote(amount))
	}
	var out []invoice.RedLineRequest
	rest := a
	for _, l := range left {
		if rest == 0 {
			break
		}
		take := min(rest, l.Amount)
		if take <= 0 {
			continue
		}
		out = append(out, invoice.RedLineRequest{Line: l.Line, Amount: take.String()})
		rest -= take
	}
	if rest > 0 {
		return nil, fmt.Errorf("%w: 冲红金额 %s 超过蓝字发票尚可冲红的金额 %s; amount %s exceeds the %s left", ErrSlipRequest,
			a, a-rest, a, a-rest)
	}
	return out, nil
}

// errNoBlue: the platform holds no blue invoice of that number for the requester.
func errNoBlue(of string) error {
	return fmt.Errorf("%w: 平台没有本企业为销方或购方的蓝字发票 %s（销方须先上传）; the platform holds no invoice %s of this enterprise's",
		ErrSlipNotFound, of, of)
}
