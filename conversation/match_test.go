package conversation_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tend-crm/tend/conversation"
	"github.com/tend-crm/tend/store"
)

func names(list ...string) []store.CustomerName {
	var out []store.CustomerName
	for i := 0; i < len(list); i += 2 {
		var id int64
		fmt.Sscan(list[i], &id)
		name := list[i+1]
		alias := strings.HasPrefix(name, "~")
		name = strings.TrimPrefix(name, "~")
		out = append(out, store.CustomerName{ID: store.CustomerID(id), Name: name, Key: store.NameKey(name), Alias: alias})
	}
	return out
}

func TestMatcher(t *testing.T) {
	m := conversation.NewMatcher(names(
		"1", "Minh Phát", "1", "~MP",
		"2", "Công ty Hoàng Long",
		"3", "Acme Corp", "3", "~Acme",
		"4", "Acme Logistics",
		"5", "Vinamilk",
		"6", "Sao Mai",
		"7", "Sao Mai Group",
		"8", "Thế Giới Di Động", "8", "~TGDD",
		"9", "Hòa Phát",
		"10", "Hoa Phat Steel",
	))
	tests := []struct {
		in   string
		want string // "id:kind:dist ..." best first
	}{
		{"minh phat", "1:0:0"},
		{"MINH PHÁT", "1:0:0"},
		{"mp", "1:1:0"},
		{"Acme", "3:1:0"},            // the alias beats the prefix of Acme Logistics
		{"acme l", "4:2:0"},          // word prefix
		{"hoang long", "2:2:0"},      // a run of the name's words
		{"sao mai", "6:0:0"},         // exact hides Sao Mai Group
		{"sao", "6:2:0 7:2:0"},       // two fit: the shorter first
		{"vinamlik", "5:3:1"},        // transposition
		{"vinamillk", "5:3:1"},       // insertion
		{"vnamillk", "5:3:2"},        // two edits in a long key
		{"vnamik", ""},               // two edits in a short key: too far
		{"minh phta", "1:3:1"},       // transposition, with diacritics dropped
		{"hoa phat", "9:0:0"},        // diacritics-insensitive exact
		{"hoa phat steal", "10:3:1"}, // typo in a longer name
		{"tgdd", "8:1:0"},
		{"the gioi di dong", "8:0:0"},
		{"zzz", ""},
		{"", ""},
		{"a", ""},
		{"sao maj", "6:3:1"},
		{"xyz corp", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range m.Match(tt.in, 5) {
			got = append(got, fmt.Sprintf("%d:%d:%d", c.ID, c.Kind, c.Dist))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.in, g, tt.want)
		}
	}
}

// benchNames makes n distinct customer names, Vietnamese and English.
func benchNames(n int) []store.CustomerName {
	r := rand.New(rand.NewPCG(1, 2))
	syl := strings.Fields("Minh Phát Hoàng Long Sao Mai Thành Công Phú Thái Hải Đăng Bình An Tân Hiệp Kim Cương Đại Nam Việt Á Hưng Thịnh Gia Bảo Thiên Ân Đức Trí Quang Huy Nam Sơn Bắc Hà Trường Xuân Hòa Lộc")
	en := strings.Fields("Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay Soylent Tyrell Wonka Bluth Oscorp Cyberdyne Massive Dynamic Pied Piper")
	suf := []string{"", "", " Corp", " Group", " Ltd", " JSC", " Trading", " Co"}
	seen := map[string]bool{}
	var out []store.CustomerName
	for len(out) < n {
		var name string
		if r.IntN(3) == 0 {
			name = en[r.IntN(len(en))] + " " + en[r.IntN(len(en))] + suf[r.IntN(len(suf))]
		} else {
			name = syl[r.IntN(len(syl))] + " " + syl[r.IntN(len(syl))]
			if r.IntN(2) == 0 {
				name += " " + syl[r.IntN(len(syl))]
			}
			name += suf[r.IntN(len(suf))]
		}
		if k := store.NameKey(name); !seen[k] {
			seen[k] = true
			out = append(out, store.CustomerName{ID: store.CustomerID(len(out) + 1), Name: name, Key: k})
		}
	}
	return out
}

func BenchmarkParseAndMatch(b *testing.B) {
	m := conversation.NewMatcher(benchNames(10000))
	cases := readCorpus(b, "testdata/corpus.tsv")
	b.ReportAllocs()
	b.ResetTimer()
	found := 0
	for i := 0; b.Loop(); i++ {
		c := cases[i%len(cases)]
		in := conversation.Parse(c.text, c.now, hanoi)
		if in.Customer != "" {
			found += len(m.Match(in.Customer, 5))
		}
	}
	_ = found
}

func BenchmarkMatchTypo(b *testing.B) {
	m := conversation.NewMatcher(benchNames(10000))
	b.ReportAllocs()
	for b.Loop() {
		m.Match("hoang lomg trading", 5)
	}
}

func BenchmarkNewMatcher(b *testing.B) {
	for _, size := range []int{500, 10000} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			n := benchNames(size)
			b.ReportAllocs()
			for b.Loop() {
				conversation.NewMatcher(n)
			}
		})
	}
}
