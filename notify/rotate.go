package notify

import (
	"errors"
	"slices"
)

// MaxSecrets is how many signing secrets may be live at once: the old and
// the new one while a rotation is under way.
const MaxSecrets = 2

// ErrRotating is returned when a rotation is asked for while one is under way.
var ErrRotating = errors.New("notify: a secret rotation is already under way; retire the old secret first")

// AddSecret starts a rotation: the new sealed secret joins the live ones
// (newest last). Both sign until RetireOldest.
func AddSecret(sealed []string, next string) ([]string, error) {
	if len(sealed) >= MaxSecrets {
		return nil, ErrRotating
	}
	return append(slices.Clone(sealed), next), nil
}

// RetireOldest ends a rotation by dropping the oldest secret. A
// subscription's last secret cannot be retired.
func RetireOldest(sealed []string) ([]string, error) {
	if len(sealed) < 2 {
		return nil, errors.New("notify: no rotation under way")
	}
	return slices.Clone(sealed[1:]), nil
}
