package llm

import (
	"container/list"
	"crypto/sha256"
	"sync"

	"github.com/scambot/scambot/bot"
)

// A cacheKey is the SHA-256 of what decides the model's answer: the model,
// the language hint and the masked text sent. The text itself is not kept.
type cacheKey [sha256.Size]byte

func newCacheKey(model string, lang bot.Lang, sent string) cacheKey {
	h := sha256.New()
	h.Write([]byte(model))
	h.Write([]byte{0})
	h.Write([]byte(lang))
	h.Write([]byte{0})
	h.Write([]byte(sent))
	var k cacheKey
	h.Sum(k[:0])
	return k
}

// A cache keeps the proposals of the last successful calls, least
// recently used out first. It is safe for concurrent use. It holds what
// the model proposed, not what was accepted: texts that differ only in a
// masked number share an entry, and each is checked against its own text.
type cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cacheEntry, most recent first
	byKey map[cacheKey]*list.Element
}

type cacheEntry struct {
	key   cacheKey
	props []proposal // never modified once stored
}

func newCache(max int) *cache {
	return &cache{max: max, order: list.New(), byKey: make(map[cacheKey]*list.Element)}
}

func (c *cache) get(k cacheKey) ([]proposal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).props, true
}

func (c *cache) put(k cacheKey, props []proposal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[k]; ok {
		el.Value.(*cacheEntry).props = props
		c.order.MoveToFront(el)
		return
	}
	c.byKey[k] = c.order.PushFront(&cacheEntry{key: k, props: props})
	for c.order.Len() > c.max {
		el := c.order.Back()
		c.order.Remove(el)
		delete(c.byKey, el.Value.(*cacheEntry).key)
	}
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
