package moves

import (
	"errors"
	"io"
)

// References are read aloud and copied by hand, so the alphabet leaves
// out letters that pass for digits or for each other (B, D, G, I, L, O, Q,
// S, Z) and the digit 0.
const (
	referenceLetters = "ACEFHJKMNPRTUVWXY"
	referenceDigits  = "123456789"
)

// referencePattern is which alphabet each of the eight characters uses.
var referencePattern = [8]string{
	referenceLetters, referenceLetters, referenceLetters,
	referenceDigits, referenceDigits, referenceDigits, referenceDigits,
	referenceLetters,
}

// ErrRandom is returned when the random source gives nothing usable.
var ErrRandom = errors.New("moves: the random source gave no usable bytes")

// NewReference returns a random move reference such as "ACE1234F". Each
// character is drawn uniformly and independently (upstream draws without
// replacement, which only shrinks the space). Uniqueness is the store's
// job: it retries on a collision.
func NewReference(rand io.Reader) (string, error) {
	var out [8]byte
	var buf [16]byte
	filled, tries := 0, 0
	for filled < len(out) {
		// A source that keeps giving only rejected bytes would loop for
		// ever; 64 reads is far beyond any honest source's bad luck.
		if tries++; tries > 64 {
			return "", ErrRandom
		}
		if _, err := io.ReadFull(rand, buf[:]); err != nil {
			return "", err
		}
		for _, b := range buf {
			if filled == len(out) {
				break
			}
			alpha := referencePattern[filled]
			// Reject the top of the byte range so every character is
			// equally likely.
			limit := 256 - 256%len(alpha)
			if int(b) >= limit {
				continue
			}
			out[filled] = alpha[int(b)%len(alpha)]
			filled++
		}
	}
	return string(out[:]), nil
}

// ValidReference reports whether s has the form of a move reference.
func ValidReference(s string) bool {
	if len(s) != len(referencePattern) {
		return false
	}
	for i := range len(s) {
		if !containsByte(referencePattern[i], s[i]) {
			return false
		}
	}
	return true
}

func containsByte(s string, b byte) bool {
	for i := range len(s) {
		if s[i] == b {
			return true
		}
	}
	return false
}
