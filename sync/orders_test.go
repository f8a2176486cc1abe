package sync_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	ksync "github.com/kaipiao/kaipiao/sync"
)

func (r *rig) postOrder(taxID, orderID string) {
	r.t.Helper()
	body, _ := json.Marshal(ksync.PostOrder{SellerTaxID: taxID, Order: json.RawMessage(`{"order_id":"` + orderID + `","buyer":{"name":"厦门示例科技有限公司"}}`)})
	resp, err := ksync.NewHTTPClient(r.ws, 30*time.Second).Post(r.url()+ksync.PathOrders, "application/json", strings.NewReader(string(body)))
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		r.t.Fatalf("posting order %s: HTTP %d", orderID, resp.StatusCode)
	}
}

// Orders an ERP posts for this enterprise are pulled once, stored, and acknowledged;
// another enterprise's orders are not served to it.
func TestOrdersArePulledStoredAndAcknowledged(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.postOrder(sellerTaxID, "ERP-1")
	r.postOrder(sellerTaxID, "ERP-2")
	r.postOrder(sellerTaxID, "ERP-1") // the ERP sends one again
	r.postOrder("91110000600037341L", "OTHER-1")
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
	if left, _ := r.pdb.PendingOrders("91110000600037341L", 10); len(left) != 1 {
		t.Fatalf("the other enterprise's order: %+v", left)
	}
}
