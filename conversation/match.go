package conversation

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tend-crm/tend/store"
)

// MatchKind is how a written name matched a customer's name, best first.
type MatchKind uint8

const (
	MatchExact  MatchKind = iota // same key as the customer's own name
	MatchAlias                   // same key as one of its aliases
	MatchPrefix                  // the written words begin the name, or a run of its words: "minh ph", "hoang long" for "Cong ty Hoang Long"
	MatchTypo                    // within a small edit distance of a name or alias
)

// Candidate is one customer a written name may mean.
type Candidate struct {
	ID    store.CustomerID
	Name  string    // the name or alias that matched, as stored
	Kind  MatchKind // how it matched
	Dist  int       // edit distance for MatchTypo, else 0
	Alias bool      // Name is an alias
}

// Matcher resolves a name written in a message to customers, diacritics-
// and case-insensitively, by exact key, alias, word prefix, then small
// typos (Damerau–Levenshtein, optimal string alignment: at most 1 for
// keys of up to 6 runes, 2 for longer ones). It is built once from a
// scope's names and is safe for concurrent use; it never changes.
type Matcher struct {
	names []store.CustomerName
	exact map[string][]int32 // key → names
	// suffixes are every key from each of its word starts, sorted: the
	// word-prefix index.
	suffixes []suffix
	// dels are hashes of each key with up to maxDist(key) runes deleted,
	// sorted: the symmetric-delete index for typos.
	dels []del
}

type suffix struct {
	s    string
	name int32
}

type del struct {
	h    uint64
	name int32
}

// maxTypoKey bounds the keys the typo index covers; longer keys are
// matched exactly or by prefix only.
const maxTypoKey = 40

// NewMatcher indexes names (as returned by store.Customers.CustomerNames).
// Names with an empty key are skipped.
func NewMatcher(names []store.CustomerName) *Matcher {
	m := &Matcher{names: names, exact: make(map[string][]int32, len(names))}
	var buf []rune
	for i, n := range names {
		key := n.Key
		if key == "" {
			key = store.NameKey(n.Name)
		}
		if key == "" {
			continue
		}
		m.exact[key] = append(m.exact[key], int32(i))
		for j := 0; j < len(key); j++ {
			if j == 0 || key[j-1] == ' ' {
				m.suffixes = append(m.suffixes, suffix{key[j:], int32(i)})
			}
		}
		buf = append(buf[:0], []rune(key)...)
		if len(buf) <= maxTypoKey {
			deletions(buf, maxDist(len(buf)), func(h uint64) { m.dels = append(m.dels, del{h, int32(i)}) })
		}
	}
	slices.SortFunc(m.suffixes, func(a, b suffix) int { return strings.Compare(a.s, b.s) })
	slices.SortFunc(m.dels, func(a, b del) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return int(a.name - b.name)
	})
	m.dels = slices.Compact(m.dels)
	return m
}

func maxDist(runes int) int {
	if runes <= 6 {
		return 1
	}
	return 2
}

// Match returns up to limit customers written may mean, best first: one
// candidate per customer, ranked by kind, then distance, then the shorter
// name. Exact and alias matches hide the weaker kinds, and prefix matches
// hide typos. A written name under 2 runes matches exactly or not at all.
func (m *Matcher) Match(written string, limit int) []Candidate {
	key := store.NameKey(written)
	if key == "" || limit <= 0 {
		return nil
	}
	var out []Candidate
	for _, i := range m.exact[key] {
		n := m.names[i]
		k := MatchExact
		if n.Alias {
			k = MatchAlias
		}
		out = m.add(out, Candidate{ID: n.ID, Name: n.Name, Kind: k, Alias: n.Alias})
	}
	var runeBuf [maxTypoKey]rune
	runes := runeBuf[:0]
	for _, r := range key {
		if len(runes) == maxTypoKey {
			runes = nil
			break
		}
		runes = append(runes, r)
	}
	if len(out) == 0 && utf8.RuneCountInString(key) >= 2 {
		start, _ := slices.BinarySearchFunc(m.suffixes, key, func(s suffix, k string) int { return strings.Compare(s.s, k) })
		for _, s := range m.suffixes[start:] {
			if !strings.HasPrefix(s.s, key) {
				break
			}
			n := m.names[s.name]
			out = m.add(out, Candidate{ID: n.ID, Name: n.Name, Kind: MatchPrefix, Alias: n.Alias})
			if len(out) >= 4*limit {
				break
			}
		}
	}
	if len(out) == 0 && len(runes) >= 2 {
		k := maxDist(len(runes))
		var seen [64]int32
		checked := seen[:0]
		deletions(runes, k, func(h uint64) {
			i, _ := slices.BinarySearchFunc(m.dels, h, func(d del, h uint64) int {
				switch {
				case d.h < h:
					return -1
				case d.h > h:
					return 1
				}
				return 0
			})
			for ; i < len(m.dels) && m.dels[i].h == h; i++ {
				id := m.dels[i].name
				if slices.Contains(checked, id) {
					continue
				}
				if len(checked) < cap(checked) {
					checked = append(checked, id)
				}
				n := m.names[id]
				nk := n.Key
				if nk == "" {
					nk = store.NameKey(n.Name)
				}
				lim := min(k, maxDist(utf8.RuneCountInString(nk)))
				if d := osaDistance(runes, nk, lim); d <= lim {
					out = m.add(out, Candidate{ID: n.ID, Name: n.Name, Kind: MatchTypo, Dist: d, Alias: n.Alias})
				}
			}
		})
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		if a.Dist != b.Dist {
			return a.Dist - b.Dist
		}
		if len(a.Name) != len(b.Name) {
			return len(a.Name) - len(b.Name)
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// add appends c unless its customer is there already; a better match
// replaces a worse one.
func (m *Matcher) add(out []Candidate, c Candidate) []Candidate {
	for i, o := range out {
		if o.ID == c.ID {
			if c.Kind < o.Kind || c.Kind == o.Kind && c.Dist < o.Dist {
				out[i] = c
			}
			return out
		}
	}
	return append(out, c)
}

// deletions calls f with the hash of s with every set of up to k runes
// deleted (s itself included); the same hash may come more than once.
func deletions(s []rune, k int, f func(uint64)) {
	var skip [2]int
	var rec func(from, depth int)
	rec = func(from, depth int) {
		f(hashSkip(s, skip[:depth]))
		if depth == k {
			return
		}
		for i := from; i < len(s); i++ {
			skip[depth] = i
			rec(i+1, depth+1)
		}
	}
	rec(0, 0)
}

// hashSkip is FNV-1a over the runes of s but those at positions skip.
func hashSkip(s []rune, skip []int) uint64 {
	h := uint64(14695981039346656037)
	for i, r := range s {
		if slices.Contains(skip, i) {
			continue
		}
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h
}

// osaDistance is the optimal-string-alignment distance between a and b,
// or limit+1 when it is more than limit.
func osaDistance(a []rune, bs string, limit int) int {
	var bbuf [maxTypoKey + 2]rune
	b := bbuf[:0]
	for _, r := range bs {
		if len(b) == maxTypoKey+2 {
			return limit + 1
		}
		b = append(b, r)
	}
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	const w = maxTypoKey + 3
	var rows [3][w]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
