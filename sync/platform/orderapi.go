package platform

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	ksync "github.com/kaipiao/kaipiao/sync"
)

// pullBatch is how many orders one pull returns.
const pullBatch = 100

// postOrder queues an ERP's order. The reference platform takes it from anyone on the
// loopback: authenticating ERPs is a deployment's concern, not the workstation's.
func (s *Server) postOrder(w http.ResponseWriter, r *http.Request) {
	var in ksync.PostOrder
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&in); err != nil {
		s.fail(w, http.StatusBadRequest, true, fmt.Errorf("order: %w", err))
		return
	}
	var head struct {
		OrderID string `json:"order_id"`
	}
	if err := json.Unmarshal(in.Order, &head); err != nil || head.OrderID == "" || in.SellerTaxID == "" {
		s.fail(w, http.StatusBadRequest, true, fmt.Errorf("an order needs seller_tax_id and order.order_id"))
		return
	}
	added, err := s.DB.PutOrder(&Order{ID: head.OrderID, SellerTaxID: in.SellerTaxID, Order: in.Order, PostedAt: s.now().UTC()})
	if err != nil {
		s.fail(w, http.StatusInternalServerError, false, err)
		return
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
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
	writeJSON(w, http.StatusOK, ksync.PullResponse{Orders: orders})
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
