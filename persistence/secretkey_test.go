package persistence_test

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/secrets"
)

// The first key a database meets is the one every later engine must hold:
// the same key passes again, another key is refused by name.
func TestCheckSecretKey(t *testing.T) {
	ctx := context.Background()
	s := persistence.NewStore(pgtest.Pool(t))
	box := func() *secrets.Box {
		raw, err := secrets.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		key, err := secrets.ParseKey(raw)
		if err != nil {
			t.Fatal(err)
		}
		b, err := secrets.NewBox(key)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first, other := box(), box()
	for range 2 {
		if err := s.CheckSecretKey(ctx, first); err != nil {
			t.Fatalf("the first key: %v", err)
		}
	}
	if err := s.CheckSecretKey(ctx, other); !errors.Is(err, persistence.ErrWrongSecretKey) {
		t.Fatalf("another key: got %v, want ErrWrongSecretKey", err)
	}
	if err := s.CheckSecretKey(ctx, first); err != nil {
		t.Fatalf("the first key after another was refused: %v", err)
	}
}
