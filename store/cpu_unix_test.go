//go:build unix

package store_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) this test process has
// spent so far, which, unlike wall time, other processes on a loaded
// machine do not inflate.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
