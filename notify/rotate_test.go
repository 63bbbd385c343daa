package notify

import (
	"errors"
	"slices"
	"testing"
)

func TestRotateSecrets(t *testing.T) {
	s, err := AddSecret([]string{"a"}, "b")
	if err != nil || !slices.Equal(s, []string{"a", "b"}) {
		t.Fatalf("AddSecret = %v, %v", s, err)
	}
	if _, err := AddSecret(s, "c"); !errors.Is(err, ErrRotating) {
		t.Errorf("third secret: err = %v", err)
	}
	s, err = RetireOldest(s)
	if err != nil || !slices.Equal(s, []string{"b"}) {
		t.Errorf("RetireOldest = %v, %v", s, err)
	}
	if _, err := RetireOldest(s); err == nil {
		t.Error("retired the last secret")
	}
}
