package conversation

import (
	"errors"
	"math/big"
	"strconv"
	"strings"

	"github.com/tend-crm/tend/store"
)

// Money is an amount in a currency's minor units (cents; VND has none).
type Money struct {
	Minor    int64
	Currency string // ISO 4217
}

// minorDigits is how many decimals a currency has; ISO 4217 lists 2 for
// most, 0 for the dong.
func minorDigits(currency string) int {
	switch currency {
	case "VND", "JPY", "KRW":
		return 0
	}
	return 2
}

// DefaultCurrency is the currency of an amount said without one: the
// dong for Vietnamese speakers, the dollar otherwise.
func DefaultCurrency(lang string) string {
	if lang == "vi" {
		return "VND"
	}
	return "USD"
}

// maxMinor bounds an amount: a trillion dollars in cents, a quadrillion
// dong. Larger is a typo, not a deal.
const maxMinor = 1e17

var errMoney = errors.New("not an amount")

// ParseMoney reads an amount that is the whole of s: "150 triệu", "1,2
// tỷ", "12k", "$12,000", "12.000.000đ", "5 trăm nghìn", "2tr5". def is the
// currency when s names none and says no Vietnamese unit.
func ParseMoney(s, def string) (Money, error) {
	f := strings.TrimSpace(store.Fold(store.Normalize(s)))
	m, _, end, _, ok := scanMoney(f, 0, def)
	if !ok || m.Currency == "" || strings.TrimSpace(f[end:]) != "" {
		return Money{}, errMoney
	}
	return m, nil
}

// findAmount finds the first amount in the folded text f from byte at and
// returns its span: one with a currency or a unit ("12,000 USD", "150
// triệu", even one written wrong, for the caller to say so) if any, else a
// bare number of at least a thousand ("12,000").
func findAmount(f string, at int) (int, int, bool) {
	bs, be := -1, -1
	for i := at; i < len(f); i++ {
		if !startsAmount(f, i) {
			continue
		}
		m, s, e, marked, ok := scanMoney(f, i, "USD")
		if marked {
			return s, e, true
		}
		if ok && bs < 0 && m.Minor >= 1000_00 {
			bs, be = s, e
		}
		for i < len(f) && f[i] != ' ' { // on to the next word
			i++
		}
	}
	return bs, be, bs >= 0
}

func startsAmount(f string, i int) bool {
	if !boundary(f, i-1) {
		return false
	}
	if f[i] == '$' {
		return true
	}
	if strings.HasPrefix(f[i:], "€") || strings.HasPrefix(f[i:], "₫") {
		return true
	}
	return f[i] >= '0' && f[i] <= '9'
}

// Units that multiply a number. Vietnamese ones say the amount is in dong
// unless a currency is named.
var moneyUnits = []struct {
	word string
	mult int64
	vi   bool
}{
	{"nghin", 1e3, true}, {"ngan", 1e3, true}, {"k", 1e3, false}, {"thousand", 1e3, false},
	{"trieu", 1e6, true}, {"tr", 1e6, true}, {"cu", 1e6, true}, {"m", 1e6, false}, {"mil", 1e6, false}, {"million", 1e6, false},
	{"millions", 1e6, false}, {"ty", 1e9, true}, {"ti", 1e9, true}, {"b", 1e9, false}, {"bn", 1e9, false},
	{"billion", 1e9, false}, {"tram", 100, true}, {"hundred", 100, false},
}

var currencyWords = []struct{ word, code string }{
	{"usd", "USD"}, {"us$", "USD"}, {"$", "USD"}, {"dollars", "USD"}, {"dollar", "USD"},
	{"vnd", "VND"}, {"dong", "VND"}, {"d", "VND"}, {"₫", "VND"},
	{"eur", "EUR"}, {"€", "EUR"}, {"euro", "EUR"}, {"euros", "EUR"},
}

// scanMoney reads an amount at byte i of the folded text f: [symbol]
// number [units…] [digits after a unit] [currency]. Without a currency
// word it takes def, or VND after a Vietnamese unit; an empty Currency
// means none was said and def was empty. marked says a currency or a unit
// was said; then start and end span the amount even when it cannot be read.
func scanMoney(f string, i int, def string) (m Money, start, end int, marked bool, ok bool) {
	start = i
	cur := ""
	for _, c := range currencyWords {
		if strings.HasPrefix(f[i:], c.word) && (c.word == "$" || c.word == "€" || c.word == "₫") {
			cur, i = c.code, i+len(c.word)
			break
		}
	}
	j := i
	for j < len(f) && (f[j] >= '0' && f[j] <= '9' || f[j] == '.' || f[j] == ',') {
		j++
	}
	for j > i && (f[j-1] == '.' || f[j-1] == ',') { // "12,000." ends a sentence
		j--
	}
	num := f[i:j]
	if num == "" || num[0] < '0' || num[0] > '9' {
		return Money{}, 0, 0, false, false
	}
	end = j
	mult, vi, units := big.NewRat(1, 1), false, 0
	for {
		k := j
		if k < len(f) && f[k] == ' ' {
			k++
		}
		found := false
		for _, u := range moneyUnits {
			if strings.HasPrefix(f[k:], u.word) && boundary(f, k+len(u.word)) || attachedUnit(f, k, u.word) {
				mult.Mul(mult, new(big.Rat).SetInt64(u.mult))
				vi = vi || u.vi
				j, end, found = k+len(u.word), k+len(u.word), true
				units++
				break
			}
		}
		if !found || units > 2 {
			break
		}
	}
	if units > 2 {
		return Money{}, start, end, true, false
	}
	// "2tr5", "1ty2": a digit straight after the unit is its next decimal.
	var tail string
	if units > 0 && j < len(f) && f[j] >= '0' && f[j] <= '9' {
		k := j
		for k < len(f) && f[k] >= '0' && f[k] <= '9' {
			k++
		}
		if boundary(f, k) && k-j <= 3 {
			tail, j, end = f[j:k], k, k
		}
	}
	if cur == "" {
		k := j
		if k < len(f) && f[k] == ' ' {
			k++
		}
		best := ""
		for _, c := range currencyWords {
			if strings.HasPrefix(f[k:], c.word) && boundary(f, k+len(c.word)) && len(c.word) > len(best) {
				best, cur = c.word, c.code
			}
		}
		if best != "" {
			end = k + len(best)
		}
	}
	marked = cur != "" || units > 0
	switch {
	case cur != "":
	case vi:
		cur = "VND"
	case def == "":
		return Money{}, start, end, marked, marked // the currency is unknown
	default:
		cur = def
	}
	val, ok := readNumber(num, units > 0)
	if !ok {
		return Money{}, start, end, marked, false
	}
	if tail != "" {
		if strings.ContainsAny(num, ".,") {
			return Money{}, start, end, marked, false
		}
		frac, _ := new(big.Rat).SetString("0." + tail)
		val.Add(val, frac)
	}
	val.Mul(val, mult)
	val.Mul(val, new(big.Rat).SetInt64(pow10(minorDigits(cur))))
	if !val.IsInt() {
		// Fractions of a minor unit round to the nearest ("1.005 tỷ đồng"
		// has none; "$1.999" is read as 1,999 dollars, not rounded).
		q, r := new(big.Int).QuoRem(val.Num(), val.Denom(), new(big.Int))
		if new(big.Int).Mul(r, big.NewInt(2)).Cmp(val.Denom()) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		val.SetInt(q)
	}
	n := val.Num()
	if !n.IsInt64() || n.Int64() > maxMinor {
		return Money{}, start, end, marked, false
	}
	return Money{Minor: n.Int64(), Currency: cur}, start, end, marked, true
}

// attachedUnit reports a unit glued to its number: "12k", "2tr", "1ty2".
func attachedUnit(f string, k int, word string) bool {
	if k == 0 || f[k-1] < '0' || f[k-1] > '9' || !strings.HasPrefix(f[k:], word) {
		return false
	}
	e := k + len(word)
	return boundary(f, e) || f[e] >= '0' && f[e] <= '9'
}

// readNumber reads digits with separators. Both "." and "," group
// thousands or mark decimals, by language; the reading that fits wins:
// several of one kind group ("12.000.000"); with both, the last marks the
// decimals ("12,000.50", "12.000,50"); one alone groups when three digits
// follow and no unit does ("12,000") and marks decimals otherwise ("1,2
// tỷ", "1.5").
func readNumber(s string, unit bool) (*big.Rat, bool) {
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	dec := byte(0)
	switch {
	case dots > 0 && commas > 0:
		dec = s[max(strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ','))]
	case dots+commas == 1:
		if i := strings.IndexAny(s, ".,"); unit || len(s)-i-1 != 3 {
			dec = s[i]
		}
	}
	whole, frac := s, ""
	if dec != 0 {
		i := strings.LastIndexByte(s, dec)
		whole, frac = s[:i], s[i+1:]
	}
	// Groups after the first have three digits: "1,234,567", not "1,23".
	groups := strings.Split(strings.ReplaceAll(whole, ",", "."), ".")
	for i, g := range groups {
		if g == "" || i > 0 && len(g) != 3 || i == 0 && len(groups) > 1 && len(g) > 3 {
			return nil, false
		}
	}
	if strings.ContainsAny(frac, ".,") || dec != 0 && (frac == "" || strings.IndexByte(whole, dec) >= 0) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(strings.Join(groups, "") + "." + frac + "0")
	return r, ok
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// FormatMoney writes an amount as the language groups digits: "12,000
// USD", "150,000,000 ₫" in English; "12.000 USD", "150.000.000 ₫" in
// Vietnamese. Cents show only when there are some.
func FormatMoney(m Money, lang string) string {
	group, dec := ",", "."
	if lang == "vi" {
		group, dec = ".", ","
	}
	d := minorDigits(m.Currency)
	p := pow10(d)
	neg := m.Minor < 0
	v := m.Minor
	if neg {
		v = -v
	}
	whole := strconv.FormatInt(v/p, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if frac := v % p; frac != 0 {
		fs := strconv.FormatInt(frac, 10)
		b.WriteString(dec + strings.Repeat("0", d-len(fs)) + fs)
	}
	sym := m.Currency
	if sym == "VND" {
		sym = "₫"
	}
	return b.String() + " " + sym
}
