package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaipiao/kaipiao/workstation"
)

// A damaged data file: `store check` says so (exit 1), every other command stops with the
// "damaged" error and the way out (no SIGBUS, no panic), and `store repair` rebuilds the
// file from the device's journal, keeping the damaged one aside; the invoices are all
// back and the new file checks sound.
func TestStoreCheckAndRepair(t *testing.T) {
	data := t.TempDir()
	t.Setenv(workstation.AuditKeyEnv, t.TempDir())
	for _, k := range []string{envToken, envOperator, envPassword} {
		t.Setenv(k, "")
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "issue", "../../docs/examples/07-orders.csv"); code != exitOK {
		t.Fatalf("issue: exit %d %s", code, stderr)
	}
	listed := func() []string {
		code, out, stderr := runCLI(t, "", "--data", data, "list", "--limit", "100")
		if code != exitOK {
			t.Fatalf("list: exit %d %s", code, stderr)
		}
		var nums []string
		for _, o := range jsonObjects(t, out) {
			nums = append(nums, o["code"].(string)+":"+o["number"].(string))
		}
		return nums
	}
	before := listed()
	if code, out, stderr := runCLI(t, "", "--data", data, "store", "check"); code != exitOK || !strings.Contains(out, `"sound": true`) {
		t.Fatalf("check of a sound file: exit %d %s %s", code, out, stderr)
	}
	path := filepath.Join(data, workstation.StoreFile)
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()/3); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "list"); code != exitUsage || !strings.Contains(stderr, "store repair") {
		t.Fatalf("list on a truncated file: exit %d %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "--data", data, "store", "check"); code != exitRefused || !strings.Contains(stderr, "damaged") {
		t.Fatalf("check of a truncated file: exit %d %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "", "--data", data, "store", "repair")
	if code != exitOK {
		t.Fatalf("repair: exit %d %s", code, stderr)
	}
	var rep workstation.RepairReport
	// What the cut file still holds is salvaged; the device's journal gives the rest.
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Reconcile == nil || rep.Salvaged.Invoices+rep.Reconcile.Imported != len(before) {
		t.Fatalf("repair report %s: %v", out, err)
	}
	if _, err := os.Stat(rep.KeptAs); err != nil {
		t.Fatalf("the damaged file was not kept: %v", err)
	}
	if after := listed(); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Fatalf("after repair %v, before %v", after, before)
	}
	if code, out, stderr := runCLI(t, "", "--data", data, "store", "check"); code != exitOK {
		t.Fatalf("check after repair: exit %d %s %s", code, out, stderr)
	}
}
