package sync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	ksync "github.com/kaipiao/kaipiao/sync"
)

// postOrderAs posts an order with an ERP token ("" for none) and returns the status
// and the answer.
func (r *rig) postOrderAs(token, taxID, orderID string) (int, string) {
	r.t.Helper()
	body, _ := json.Marshal(ksync.PostOrder{SellerTaxID: taxID, Order: json.RawMessage(`{"order_id":"` + orderID + `","buyer":{"name":"厦门示例科技有限公司"}}`)})
	req, _ := http.NewRequest(http.MethodPost, r.url()+ksync.PathOrders, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ksync.NewHTTPClient(r.ws, 30*time.Second).Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// postOrder posts an order with the token of taxID's ERP.
func (r *rig) postOrder(taxID, orderID string) {
	r.t.Helper()
	token := r.erpToken
	if taxID == otherTaxID {
		token = r.otherToken
	}
	if status, answer := r.postOrderAs(token, taxID, orderID); status != http.StatusCreated && status != http.StatusOK {
		r.t.Fatalf("posting order %s: HTTP %d %s", orderID, status, answer)
	}
}

// The review's order findings: a plain request put an order into a seller's inbox, and
// posting another seller's order ID first made the real order never arrive.
func TestOrdersCannotBeInjectedOrSquatted(t *testing.T) {
	r := newRig(t, rigOptions{})
	for _, c := range []struct {
		name, token, seller string
		status              int
	}{
		{"no token", "", sellerTaxID, http.StatusUnauthorized},
		{"a made-up token", "kperp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", sellerTaxID, http.StatusUnauthorized},
		{"a token that is not the ERP's", "Basic x", sellerTaxID, http.StatusUnauthorized},
		{"another seller's ERP for this seller", r.otherToken, sellerTaxID, http.StatusForbidden},
	} {
		if status, answer := r.postOrderAs(c.token, c.seller, "INJECTED-1"); status != c.status {
			t.Errorf("%s: HTTP %d %s, want %d", c.name, status, answer, c.status)
		}
	}
	// Squatting: the other seller's ERP posts ERP-777 first; this seller's ERP-777 is
	// still a new order, and each seller pulls its own.
	r.postOrder(otherTaxID, "ERP-777")
	if status, answer := r.postOrderAs(r.erpToken, sellerTaxID, "ERP-777"); status != http.StatusCreated || !strings.Contains(answer, `"added":true`) {
		t.Fatalf("the real ERP-777: HTTP %d %s", status, answer)
	}
	s, _ := r.syncer(nil)
	if c, err := s.Once(context.Background()); err != nil || c.Pulled != 1 {
		t.Fatalf("%+v %v", c, err)
	}
	got, _ := r.db.PulledOrders()
	if len(got) != 1 || got[0].ID != "ERP-777" {
		t.Fatalf("stored %+v (an injected order must not be among them)", got)
	}
	if left, _ := r.pdb.PendingOrders(otherTaxID, 10); len(left) != 1 || left[0].ID != "ERP-777" {
		t.Fatalf("the other seller's ERP-777: %+v", left)
	}
}

// Orders an ERP posts for this enterprise are pulled once, stored, and acknowledged;
// another enterprise's orders are not served to it.
func TestOrdersArePulledStoredAndAcknowledged(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.postOrder(sellerTaxID, "ERP-1")
	r.postOrder(sellerTaxID, "ERP-2")
	r.postOrder(sellerTaxID, "ERP-1") // the ERP sends one again
	r.postOrder(otherTaxID, "OTHER-1")
	s, _ := r.syncer(nil)
	c, err := s.Once(context.Background())
	if err != nil || c.Pulled != 2 {
		t.Fatalf("%+v %v", c, err)
	}
	got, _ := r.db.PulledOrders()
	if len(got) != 2 || got[0].ID != "ERP-1" || got[1].ID != "ERP-2" {
		t.Fatalf("stored %+v", got)
	}
	if c, err := s.Once(context.Background()); err != nil || c.Pulled != 0 {
		t.Fatalf("second pass pulled again: %+v %v", c, err)
	}
	if left, _ := r.pdb.PendingOrders(otherTaxID, 10); len(left) != 1 {
		t.Fatalf("the other enterprise's order: %+v", left)
	}
}
