package admin_test

import "github.com/securemove/securemove/store"

// Hashing passwords for the demo users is the slowest part of a test
// server's start; a low cost keeps the suite fast.
func init() { store.SetBcryptCostForTests(4) }
