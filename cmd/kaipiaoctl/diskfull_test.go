package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// When the store's disk fills up mid-batch (its writes and fsyncs fail), issuing stops
// with a clear error and loses nothing: once there is room again, the next run recovers
// what the device issued meanwhile and finishes the batch, each order exactly once.
func TestIssuingStopsCleanlyWhenTheDiskIsFull(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a size-limited tmpfs for the data folder")
	}
	ctl, devsimBin := binaries(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	os.MkdirAll(data, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", data).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", data).Run() })

	dev := &devsim{t: t, bin: devsimBin, state: filepath.Join(dir, "devsim.db"), link: filepath.Join(dir, "ttyKP0")}
	dev.start()
	defer dev.kill()
	if out, err := ctlCmd(ctl, data, dev.link, "seller", "set", "--name", "厦门开票示范科技有限公司",
		"--tax-id", crashSellerTaxID).CombinedOutput(); err != nil {
		t.Fatalf("seller set: %v %s", err, out)
	}
	orders := crashOrders(rand.New(rand.NewPCG(7, 7)), 150, "FULL")
	raw, _ := json.Marshal(orders)
	ordersFile := filepath.Join(dir, "orders.json")
	os.WriteFile(ordersFile, raw, 0o600)

	// Leave room for a few dozen invoices only.
	var fs syscall.Statfs_t
	if err := syscall.Statfs(data, &fs); err != nil {
		t.Fatal(err)
	}
	free := int64(fs.Bavail) * fs.Bsize
	filler := filepath.Join(data, "filler")
	if err := os.WriteFile(filler, make([]byte, free-160<<10), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := ctlCmd(ctl, data, dev.link, "issue", ordersFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		t.Fatal("the batch finished on a full disk")
	}
	if !strings.Contains(stderr.String(), "no space left on device") {
		t.Fatalf("the error should say the disk is full: %s", stderr.String())
	}
	before := bytes.Count(stdout.Bytes(), []byte("\n"))
	t.Logf("stopped after %d invoices: %s", before, strings.TrimSpace(stderr.String()))

	// Room again: the next run finishes, and the device, the store and the orders agree.
	os.Remove(filler)
	out, err := ctlCmd(ctl, data, dev.link, "issue", ordersFile).Output()
	if err != nil {
		t.Fatalf("the run after the disk was freed: %v", err)
	}
	ids := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var l listLine
		json.Unmarshal(line, &l)
		ids[l.OrderID] = true
	}
	if len(ids) != len(orders) {
		t.Fatalf("%d of %d orders issued", len(ids), len(orders))
	}
	rep := reconcile(t, ctl, data, dev.link)
	if rep.DeviceCount != uint64(rep.StoreCount) || len(rep.Mismatches) != 0 {
		t.Fatalf("device and store disagree after the disk filled: %+v", rep)
	}
	if lines := bytes.Count(out, []byte("\n")); uint64(lines) != rep.DeviceCount {
		t.Fatalf("the batch printed %d invoices, the device issued %d: something was issued twice or lost", lines, rep.DeviceCount)
	}
}
