package telegram

import (
	"testing"
	"time"
)

func TestFloodControl(t *testing.T) {
	f := newFloodControl(20)
	now := t0
	var got []floodVerdict
	for range 25 {
		got = append(got, f.check(1, now))
	}
	for i, v := range got {
		want := floodOK
		switch {
		case i == 20:
			want = floodWarn
		case i > 20:
			want = floodIgnore
		}
		if v != want {
			t.Fatalf("update %d: %v, want %v", i+1, v, want)
		}
	}
	if v := f.check(2, now); v != floodOK {
		t.Errorf("another user: %v", v)
	}
	// A few seconds later one token is back, but the user is not calm yet.
	if v := f.check(1, now.Add(4*time.Second)); v != floodIgnore {
		t.Errorf("4 s later: %v, want still ignored", v)
	}
	// After half a minute the bucket is more than a quarter full again.
	if v := f.check(1, now.Add(30*time.Second)); v != floodOK {
		t.Errorf("30 s later: %v, want OK", v)
	}
	// Idle users are forgotten.
	f.check(3, now.Add(10*time.Minute))
	if len(f.users) != 1 {
		t.Errorf("%d users remembered after 10 idle minutes, want 1", len(f.users))
	}
	off := newFloodControl(-1)
	for range 100 {
		if off.check(1, now) != floodOK {
			t.Fatal("flood control off still throttles")
		}
	}
}
