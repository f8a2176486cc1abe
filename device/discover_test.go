package device

import (
	"strings"
	"testing"
)

func TestPortDiscovery(t *testing.T) {
	ports, err := ListPorts()
	if err != nil {
		t.Fatalf("ListPorts: %v", err)
	}
	for _, p := range ports {
		if !strings.HasPrefix(p.Name, "/dev/") {
			t.Fatalf("port %+v has no device node", p)
		}
	}
	if _, err := FindByUSBSerial("KAIPIAO-NO-SUCH-SERIAL"); err == nil || !strings.Contains(err.Error(), "KAIPIAO-NO-SUCH-SERIAL") {
		t.Fatalf("FindByUSBSerial of a missing device: %v", err)
	}
}
