package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDeviceStatusOnTheBuiltInSimulator(t *testing.T) {
	data := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"--data", data, "--device", "sim", "device", "status"}, nil, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var st statusJSON
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(st.Machine) != 12 || st.NextNumber != "00000001" || len(st.Stock) != 2 || st.Stock[0].Remaining != 100 ||
		st.Unopened["e-ordinary"] != 900 || st.Unopened["e-special"] != 100 {
		t.Fatalf("status %+v", st)
	}
	// Each invoice type has its own roll, its code's type digits naming it.
	for i, typ := range []string{"e-ordinary", "e-special"} {
		r, n := st.Stock[i], st.Next[i]
		if r.Type != typ || n.Type != typ || n.Code != r.Code || r.Code[10:] != map[string]string{"e-ordinary": "11", "e-special": "13"}[typ] {
			t.Fatalf("stock per type: %+v next %+v", st.Stock, st.Next)
		}
	}
	if st.Limits.InvoiceLimit != "99999.99" || st.Offline.AmountLimit != "1000000.00" || st.Offline.HoursLimit != 72 || st.Locked {
		t.Fatalf("limits %+v offline %+v locked %v", st.Limits, st.Offline, st.Locked)
	}
	// the state is in the data folder: a second run sees the same device
	out.Reset()
	if code := run([]string{"--data", data, "--device", "sim", "device", "status"}, nil, &out, &errOut); code != exitOK {
		t.Fatalf("second run exit %d: %s", code, errOut.String())
	}
	var again statusJSON
	_ = json.Unmarshal(out.Bytes(), &again)
	if again.Machine != st.Machine || again.BootID == st.BootID {
		t.Fatalf("second run: machine %s (was %s), boot %s (was %s)", again.Machine, st.Machine, again.BootID, st.BootID)
	}
}

// A fresh device's month has not ended: REPORT and CLEAR are refused with the device's
// own reason, exit 1.
func TestDeviceReportAndClearRefusedInAnOpenMonth(t *testing.T) {
	data := t.TempDir()
	for sub, want := range map[string]string{"report": "本月尚未结束", "clear": "本期未抄报"} {
		var out, errOut bytes.Buffer
		code := run([]string{"--data", data, "--device", "sim", "device", sub}, nil, &out, &errOut)
		if code != exitRefused || !strings.Contains(errOut.String(), want) || out.Len() != 0 {
			t.Fatalf("device %s: exit %d, stderr %q", sub, code, errOut.String())
		}
	}
}
