package moves

import (
	"bytes"
	crand "crypto/rand"
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

var referenceFormat = regexp.MustCompile(`^[ACEFHJKMNPRTUVWXY]{3}[1-9]{4}[ACEFHJKMNPRTUVWXY]$`)

func TestNewReferenceFormat(t *testing.T) {
	for range 1000 {
		ref, err := NewReference(crand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !referenceFormat.MatchString(ref) || !ValidReference(ref) {
			t.Fatalf("bad reference %q", ref)
		}
		if strings.ContainsAny(ref[:3]+ref[7:], "BDGILOQSZ") || strings.Contains(ref[3:7], "0") {
			t.Fatalf("look-alike in %q", ref)
		}
	}
}

// The space is 17⁴·9⁴ ≈ 5.5×10⁸, so 100,000 draws expect about nine
// repeats (birthday bound); the store retries on those. Many more would
// mean a biased or narrow generator.
func TestNewReferenceUniqueness(t *testing.T) {
	r := rand.NewChaCha8([32]byte{'s', 'e', 'c', 'u', 'r', 'e', 'm', 'o', 'v', 'e'})
	seen := make(map[string]struct{}, 100_000)
	counts := make([]map[byte]int, 8)
	for i := range counts {
		counts[i] = map[byte]int{}
	}
	dups := 0
	for range 100_000 {
		ref, err := NewReference(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := seen[ref]; ok {
			dups++
		}
		seen[ref] = struct{}{}
		for i := range 8 {
			counts[i][ref[i]]++
		}
	}
	if dups > 30 {
		t.Errorf("%d repeats in 100,000; expected about 9", dups)
	}
	// Every character of each alphabet turns up about equally often.
	for i, c := range counts {
		n := 17
		if i >= 3 && i <= 6 {
			n = 9
		}
		if len(c) != n {
			t.Errorf("position %d uses %d characters; want %d", i, len(c), n)
		}
		mean := 100_000 / n
		for ch, k := range c {
			if k < mean*85/100 || k > mean*115/100 {
				t.Errorf("position %d: %c drawn %d times; mean %d", i, ch, k, mean)
			}
		}
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken") }

func TestNewReferenceBadSources(t *testing.T) {
	if _, err := NewReference(errReader{}); err == nil {
		t.Error("broken source gave a reference")
	}
	// Bytes that are always rejected must not loop for ever.
	if _, err := NewReference(bytes.NewReader(bytes.Repeat([]byte{0xff}, 1<<16))); err == nil {
		t.Error("a source of rejected bytes gave a reference")
	}
	if _, err := NewReference(bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Error("a short source gave a reference")
	}
	// Zero bytes pick the first character of each alphabet; no
	// character is lost to uniqueness rules.
	got, err := NewReference(bytes.NewReader(make([]byte, 16)))
	if err != nil || got != "AAA1111A" {
		t.Errorf("zero source: %q, %v", got, err)
	}
}

func TestValidReference(t *testing.T) {
	for _, s := range []string{"ACE1234F", "YYY9999Y", "AAA1111A"} {
		if !ValidReference(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "ace1234f", "ACE1234", "ACE1234FF", "ACE0234F", "ABE1234F", "ACE12345", "AC1234FF", "OCE1234F", "ACE1234L", "ACE 1234F"} {
		if ValidReference(s) {
			t.Errorf("%q accepted", s)
		}
	}
}
