package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven/internal/store"
)

// TestReadersAdmittedInTurn: with every reader busy, a read waits its turn
// and gives up with its context; once one is free, reads go on.
func TestReadersAdmittedInTurn(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	release := make([]chan struct{}, readConns)
	var held, done sync.WaitGroup
	for i := range release {
		release[i] = make(chan struct{}, 1)
		held.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			db.View(ctx, func(store.Tx) error { held.Done(); <-release[i]; return nil })
		}()
	}
	held.Wait()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	ran := false
	err = db.View(short, func(store.Tx) error { ran = true; return nil })
	if err == nil || ran || !errors.Is(short.Err(), context.DeadlineExceeded) {
		t.Fatalf("a read with every reader busy: ran %v, %v", ran, err)
	}
	// The waiting reads go in the order they came: one reader freed, they
	// pass through it one by one.
	const n = 6
	order := make(chan int, n)
	var waiting sync.WaitGroup
	for i := range n {
		waiting.Add(1)
		go func() {
			defer waiting.Done()
			if err := db.View(ctx, func(store.Tx) error { order <- i; return nil }); err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(20 * time.Millisecond) // each in the queue before the next
	}
	release[0] <- struct{}{}
	waiting.Wait()
	close(order)
	var got []int
	for i := range order {
		got = append(got, i)
	}
	if fmt.Sprint(got) != "[0 1 2 3 4 5]" {
		t.Fatalf("waiting reads ran in the order %v, want the order they came", got)
	}
	for _, r := range release[1:] {
		r <- struct{}{}
	}
	done.Wait()
}
