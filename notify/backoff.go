package notify

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Schedule is the wait after each failed attempt: Schedule[0] after the
// first, and so on. When it is used up the notification has failed.
type Schedule []time.Duration

// DefaultSchedule follows the example in the Standard Webhooks spec: the
// first attempt is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
// 20 h and 24 h, ten attempts over about three days and four hours.
var DefaultSchedule = Schedule{
	5 * time.Second,
	5 * time.Minute,
	30 * time.Minute,
	2 * time.Hour,
	5 * time.Hour,
	10 * time.Hour,
	14 * time.Hour,
	20 * time.Hour,
	24 * time.Hour,
}

// Jitter spreads retries by up to this fraction either way, so that
// notifications that failed together (a receiver outage) do not all come
// back together.
const Jitter = 0.1

// MaxRetryAfter caps a receiver's Retry-After, so a mistaken answer cannot
// park a notification beyond the schedule's longest wait.
const MaxRetryAfter = 24 * time.Hour

// Next returns the wait before the next attempt after attempt number
// `attempt` (1-based) failed, or false when no attempt is left. r is a
// random number in [0,1) for the jitter. A Retry-After longer than the
// scheduled wait is honoured (up to MaxRetryAfter).
func (s Schedule) Next(attempt int, retryAfter time.Duration, r float64) (time.Duration, bool) {
	if attempt < 1 || attempt > len(s) {
		return 0, false
	}
	base := s[attempt-1]
	wait := time.Duration(float64(base) * (1 - Jitter + 2*Jitter*r))
	if retryAfter > MaxRetryAfter {
		retryAfter = MaxRetryAfter
	}
	if retryAfter > wait {
		wait = retryAfter
	}
	return wait, true
}

// Total is the longest time from the first attempt to the last, without
// jitter.
func (s Schedule) Total() time.Duration {
	var t time.Duration
	for _, d := range s {
		t += d
	}
	return t
}

// ParseRetryAfter reads a Retry-After header: delay-seconds or an
// HTTP-date. It returns 0 when absent, malformed or in the past.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
