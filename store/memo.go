package store

import "sync"

// memo keeps values for one version of what they were read from: a value
// put for an older version is dropped, and a newer version empties it.
// Readers take the version before they read, so a write that lands while
// they read (and moves the version on after it) makes what they read
// stale at once.
type memo[K comparable, V any] struct {
	mu      sync.Mutex
	version uint64
	m       map[K]V
}

// memoMax bounds a memo: past it, it starts again empty.
const memoMax = 10000

func (c *memo[K, V]) get(k K, v uint64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	val, ok := c.m[k]
	if c.version != v {
		var zero V
		return zero, false
	}
	return val, ok
}

func (c *memo[K, V]) put(k K, v uint64, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v < c.version {
		return
	}
	if v > c.version || c.m == nil || len(c.m) >= memoMax {
		c.m, c.version = map[K]V{}, v
	}
	c.m[k] = val
}
