package sim

import (
	"reflect"
	"testing"
)

func TestFaultsAreReproducibleFromTheSeed(t *testing.T) {
	run := func(seed uint64) []map[Fault]bool {
		f, err := ParseFaults("random:0.3,late@4,crash-after-commit@2", seed)
		if err != nil {
			t.Fatal(err)
		}
		var out []map[Fault]bool
		for i := 0; i < 200; i++ {
			m := f.forRequest()
			if f.commit(FaultCrashAfterCommit) {
				m["commit"] = true
			}
			out = append(out, m)
		}
		return out
	}
	a, b, c := run(42), run(42), run(43)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different faults")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same faults")
	}
	if !a[3][FaultLate] || a[2][FaultLate] || !a[1]["commit"] || a[2]["commit"] {
		t.Fatalf("@N faults fired at the wrong event: %v %v %v", a[1], a[2], a[3])
	}
}

func TestFaultSpecErrorsNameTheProblem(t *testing.T) {
	for _, spec := range []string{"nosuch", "late@0", "late@x", "cut:2", "cut:-0.1"} {
		if _, err := ParseFaults(spec, 1); err == nil {
			t.Errorf("spec %q accepted", spec)
		}
	}
}
