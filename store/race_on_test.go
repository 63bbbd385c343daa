//go:build race

package store_test

// raceEnabled: the race detector multiplies CPU time several times over,
// so CPU budgets meant for a normal build are not checked under it.
const raceEnabled = true
