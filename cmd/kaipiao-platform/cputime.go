//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// selfCPU is the processor time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clockTick is Linux's USER_HZ, the unit of /proc/PID/stat's times.
const clockTick = 10 * time.Millisecond

// processTreeCPU is the processor time of process pid, its children that exited (cutime,
// cstime) and its live children, from /proc (Linux; 0 elsewhere or for pid 0). For a
// PostgreSQL postmaster that is the whole server: every backend is its child.
func processTreeCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	total := statCPU(pid, true)
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, d := range dirs {
		f := statFields(d)
		if len(f) > 14 && f[1] == strconv.Itoa(pid) {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
			total += statCPU(child, false)
		}
	}
	return total
}

// statFields are /proc/PID/stat's fields after the command name: state is [0], ppid
// [1], utime [11], stime [12], cutime [13], cstime [14].
func statFields(path string) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	s := string(raw)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	return strings.Fields(s)
}

func statCPU(pid int, withChildren bool) time.Duration {
	f := statFields("/proc/" + strconv.Itoa(pid) + "/stat")
	if len(f) < 15 {
		return 0
	}
	n := 12
	if withChildren {
		n = 14
	}
	var ticks int64
	for i := 11; i <= n; i++ {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += v
	}
	return time.Duration(ticks) * clockTick
}
