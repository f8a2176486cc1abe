package platform

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/emmansun/gmsm/smx509"
	"github.com/kaipiao/kaipiao/invoice"
	"github.com/kaipiao/kaipiao/upload"
)

// pullBatch is how many orders one pull returns.
const pullBatch = 100

// maxOrderBody bounds one posted order.
const maxOrderBody = 1 << 20

// postOrder queues an ERP's order for the seller its token is bound to. The token
// (Authorization: Bearer) is checked before the body is read; an order for another
// seller is refused; and orders are keyed by (seller, order ID), so that no one can take
// a seller's order IDs first.
func (s *Server) postOrder(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	seller, name, ok := s.ERPTokens.seller(token)
	if !ok && strings.HasPrefix(token, tokenPrefix) && s.DB != nil {
		// A token made with `kaipiao-platform token --db` is in the store, where every
		// instance finds it. Looked up by its hash: the token itself is never kept.
		var err error
		if seller, name, ok, err = s.DB.ERPToken(sha256.Sum256([]byte(token))); err != nil {
			s.fail(w, http.StatusInternalServerError, false, err)
			return
		}
	}
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kaipiao orders"`)
		s.fail(w, http.StatusUnauthorized, true, fmt.Errorf("orders need an ERP token (Authorization: Bearer): `kaipiao-platform token`"))
		return
	}
	info(r).signer = fmt.Sprintf("ERP %q for %s", name, seller)
	var in upload.PostOrder
	if r.ContentLength > maxOrderBody {
		s.fail(w, http.StatusRequestEntityTooLarge, true, fmt.Errorf("order of %d bytes, over %d", r.ContentLength, maxOrderBody))
		return
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxOrderBody)).Decode(&in); err != nil {
		s.fail(w, http.StatusBadRequest, true, fmt.Errorf("order: %w", err))
		return
	}
	if in.SellerTaxID == "" {
		in.SellerTaxID = seller
	}
	if in.SellerTaxID != seller {
		s.fail(w, http.StatusForbidden, true, fmt.Errorf("this ERP posts orders for %s, not %s", seller, invoice.Quote(in.SellerTaxID)))
		return
	}
	var head struct {
		OrderID string `json:"order_id"`
	}
	if err := json.Unmarshal(in.Order, &head); err != nil || head.OrderID == "" {
		s.fail(w, http.StatusBadRequest, true, fmt.Errorf("an order needs order.order_id"))
		return
	}
	if len(head.OrderID) > 64 || strings.ContainsFunc(head.OrderID, unicode.IsControl) {
		s.fail(w, http.StatusBadRequest, true, fmt.Errorf("order_id %s: at most 64 bytes, no control characters", invoice.Quote(head.OrderID)))
		return
	}
	added, err := s.DB.PutOrder(&Order{ID: head.OrderID, SellerTaxID: seller, Order: in.Order, PostedAt: s.now().UTC()})
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	info(r).outcome = fmt.Sprintf("order %s added %t", head.OrderID, added)
	writeJSON(w, status, map[string]any{"id": head.OrderID, "added": added})
}

func (s *Server) pull(w http.ResponseWriter, r *request) {
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	orders, err := s.DB.PendingOrders(r.taxID, pullBatch)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	resp := upload.PullResponse{Orders: orders}
	if r.p.Audit != nil {
		prev, err := s.DB.AnchorAudit(anchorKey(r), *r.p.Audit, s.now().UTC())
		if err != nil {
			resp.AuditError = err.Error()
			s.logf("audit anchor of %s refused: %v", r.taxID, err)
		}
		resp.AuditAnchor = prev
	}
	writeJSON(w, http.StatusOK, resp)
}

// anchorKey is whose audit log a pull anchors: each workstation keeps its own log, so an
// enterprise with several workstations has one anchor per workstation, named by the
// machine number of the device certificate the pull offers ("<tax ID>/<machine>"); a
// pull without one anchors the enterprise's (one workstation, as before).
func anchorKey(r *request) string {
	if len(r.p.DeviceCert) > 0 {
		if c, err := smx509.ParseCertificate(r.p.DeviceCert); err == nil && invoice.ValidMachine(c.Subject.SerialNumber) {
			return r.taxID + "/" + c.Subject.SerialNumber
		}
	}
	return r.taxID
}

func (s *Server) ackOrders(w http.ResponseWriter, r *request) {
	if err := s.DB.SeeEnvelope(r.p.ID, r.p.At); err != nil {
		s.fail(w, http.StatusConflict, false, err)
		return
	}
	n, err := s.DB.AckOrders(r.taxID, r.p.OrderIDs, s.now().UTC())
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"acked": n})
}
