package web

import (
	"context"
	"sync"

	"github.com/kongsi/kongsi/internal/browse"
)

// lru is a small, bounded cache. Records never change once logged, so what
// is computed from one (the check of its signatures, its proof against a
// given checkpoint) can be kept.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	items map[K]V
	order []K // insertion order; the oldest is evicted first
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, items: make(map[K]V, max)}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[k]
	return v, ok
}

func (c *lru[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok {
		c.items[k] = v
		return
	}
	if len(c.order) >= c.max {
		delete(c.items, c.order[0])
		c.order = c.order[1:]
	}
	c.items[k] = v
	c.order = append(c.order, k)
}

// versioned caches one value computed from the store, until the store
// reflects more of the log.
type versioned[V any] struct {
	mu      sync.Mutex
	applied uint64
	value   V
	ok      bool
}

func (c *versioned[V]) get(applied uint64, compute func() (V, error)) (V, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.applied == applied {
		return c.value, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.value, c.applied, c.ok = v, applied, true
	return v, nil
}

// Parties returns the register's parties, cached until the log grows. The
// slice MUST NOT be changed.
func (s *Site) Parties(ctx context.Context) ([]*browse.Party, error) {
	return s.parties.get(s.Node.Projector.Applied(), func() ([]*browse.Party, error) {
		return browse.Parties(ctx, s.Node.Store)
	})
}

// CountByKind returns the number of records of each kind, cached until the
// log grows.
func (s *Site) CountByKind(ctx context.Context) ([]browse.KindCount, error) {
	return s.kindCounts.get(s.Node.Projector.Applied(), func() ([]browse.KindCount, error) {
		return browse.CountByKind(ctx, s.Node.Store)
	})
}
