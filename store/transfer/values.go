package transfer

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tend-crm/tend/store"
)

// DateOrder says how a date with three numbers and no year first is read.
type DateOrder string

const (
	// DMY reads 02/01/2006 as 2 January: Vietnam and most of the world.
	DMY DateOrder = "dmy"
	// MDY reads 1/2/2006 as January 2: the United States.
	MDY DateOrder = "mdy"
)

var months = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		months[strings.ToLower(m.String())] = m
		months[strings.ToLower(m.String()[:3])] = m
	}
	months["sept"] = time.September
}

// ParseDate reads a date, or a date and time, in the forms spreadsheets
// write: 2006-01-02 (and with a time, or RFC 3339), day/month/year or
// month/day/year by order (with / . or - between), "2 Jan 2006" and
// "Jan 2, 2006". The rule for 01/02/2006 is the order alone, never a
// guess from the numbers: a file is read one way, and a date that does not
// exist that way (13/25/2026) is an error. Times without a zone are in loc.
func ParseDate(s string, order DateOrder, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	datePart, clock, _ := strings.Cut(s, " ")
	if strings.ContainsAny(datePart, "/.-") {
		parts := strings.FieldsFunc(datePart, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
		if len(parts) == 3 {
			return numericDate(parts, strings.TrimSpace(clock), order, loc, s)
		}
	}
	// Words: "2 Jan 2006", "Jan 2, 2006", "2 January 2006".
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' })
	if len(f) == 3 {
		if m, ok := months[f[1]]; ok {
			return dayMonthYear(f[0], m, f[2], loc, s)
		}
		if m, ok := months[f[0]]; ok {
			return dayMonthYear(f[1], m, f[2], loc, s)
		}
	}
	return time.Time{}, fmt.Errorf("not a date: %q", s)
}

func numericDate(parts []string, clock string, order DateOrder, loc *time.Location, s string) (time.Time, error) {
	var d, m, y string
	switch {
	case len(parts[0]) == 4:
		y, m, d = parts[0], parts[1], parts[2]
	case order == MDY:
		m, d, y = parts[0], parts[1], parts[2]
	default:
		d, m, y = parts[0], parts[1], parts[2]
	}
	mi, err := strconv.Atoi(m)
	if err != nil || mi < 1 || mi > 12 {
		return time.Time{}, fmt.Errorf("not a date: %q (month %s, reading %s)", s, m, orderName(order))
	}
	t, err := dayMonthYear(d, time.Month(mi), y, loc, s)
	if err != nil || clock == "" {
		return t, err
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if c, err := time.Parse(layout, clock); err == nil {
			return t.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", clock)
}

func orderName(o DateOrder) string {
	if o == MDY {
		return "month/day/year"
	}
	return "day/month/year"
}

func dayMonthYear(d string, m time.Month, y string, loc *time.Location, s string) (time.Time, error) {
	di, err1 := strconv.Atoi(d)
	yi, err2 := strconv.Atoi(y)
	if err1 != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("not a date: %q", s)
	}
	if len(y) == 2 {
		yi += 2000
	}
	t := time.Date(yi, m, di, 0, 0, 0, 0, loc)
	if t.Day() != di || t.Month() != m || yi < 1900 || yi > 2200 {
		return time.Time{}, fmt.Errorf("no such date: %q", s)
	}
	return t, nil
}

// FormatDate writes t in loc as ParseDate reads it back: the date alone
// when it is midnight there, else RFC 3339.
func FormatDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

// minorDigits is how many decimals a currency's minor unit has.
func minorDigits(currency string) int {
	switch currency {
	case "VND", "JPY", "KRW", "IDR":
		return 0
	}
	return 2
}

var (
	// Currency marks, folded and lower case.
	currencyWords = map[string]string{"$": "USD", "usd": "USD", "us$": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
		"₫": "VND", "đ": "VND", "d": "VND", "vnd": "VND", "vnđ": "VND", "dong": "VND", "jpy": "JPY", "¥": "JPY"}
	// Multipliers; the Vietnamese ones also say the amount is in dong.
	unitWords = map[string]struct {
		mult int64
		vnd  bool
	}{"k": {1e3, false}, "nghin": {1e3, true}, "ngan": {1e3, true}, "tr": {1e6, true}, "trieu": {1e6, true},
		"m": {1e6, false}, "mn": {1e6, false}, "ty": {1e9, true}, "ti": {1e9, true}, "bn": {1e9, false}}
)

// ParseMoney reads an amount as people write it: "12,000", "12.000",
// "$12,000.50", "12k", "150 triệu", "1.2 tỷ", "1,5 tỷ đ". It returns the
// value in the currency's minor units (cents; dong have none) and the
// currency: the one written, else VND for Vietnamese units, else def.
// One separator followed by exactly three digits groups thousands
// ("12.000", "1,500"); otherwise it is the decimal mark ("1.2", "1,5").
func ParseMoney(s, def string) (int64, string, error) {
	orig := s
	var num, word strings.Builder
	var words []string
	numDone := false
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range strings.ToLower(store.Fold(strings.TrimSpace(s))) {
		switch {
		case unicode.IsDigit(r):
			if numDone {
				return 0, "", fmt.Errorf("not an amount: %q", orig)
			}
			flush()
			num.WriteRune(r)
		case (r == '.' || r == ',') && num.Len() > 0 && !numDone:
			num.WriteRune(r)
		case r == '-' && num.Len() == 0:
			return 0, "", fmt.Errorf("negative amount %q", orig)
		case unicode.IsSpace(r):
			flush()
			numDone = num.Len() > 0
		case strings.ContainsRune("$€£¥₫", r):
			flush()
			words = append(words, string(r))
			numDone = num.Len() > 0
		default:
			numDone = num.Len() > 0
			word.WriteRune(r)
		}
	}
	flush()
	if num.Len() == 0 && len(words) == 0 {
		return 0, "", nil
	}
	currency := ""
	n := strings.TrimRight(num.String(), ".,")
	if n == "" {
		return 0, "", fmt.Errorf("not an amount: %q", orig)
	}
	mult := int64(1)
	for _, w := range words {
		if c, ok := currencyWords[w]; ok && (currency == "" || currency == c) {
			currency = c
			continue
		}
		if u, ok := unitWords[w]; ok && mult == 1 {
			mult = u.mult
			if u.vnd && currency == "" {
				currency = "VND"
			}
			continue
		}
		if len(w) == 3 && isLetters(w) && currency == "" { // an ISO code: "sgd"

			currency = strings.ToUpper(w)
			continue
		}
		return 0, "", fmt.Errorf("not an amount: %q (what is %q?)", orig, w)
	}
	if currency == "" {
		currency = def
	}
	r, ok := new(big.Rat).SetString(decimal(n))
	if !ok {
		return 0, "", fmt.Errorf("not an amount: %q", orig)
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(minorDigits(currency))), nil)))
	// Round half up to the minor unit.
	q := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(r.Num(), big.NewInt(2)), r.Denom()), new(big.Int).Mul(r.Denom(), big.NewInt(2)))
	if !q.IsInt64() || q.Int64() > 1e17 {
		return 0, "", fmt.Errorf("amount too large: %q", orig)
	}
	return q.Int64(), currency, nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// decimal turns a number with grouping and decimal marks into one with a
// point as the decimal mark and no grouping.
func decimal(n string) string {
	lastDot, lastComma := strings.LastIndexByte(n, '.'), strings.LastIndexByte(n, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0: // both: the last one is the decimal mark
		dec := max(lastDot, lastComma)
		return strings.NewReplacer(".", "", ",", "").Replace(n[:dec]) + "." + n[dec+1:]
	case lastDot < 0 && lastComma < 0:
		return n
	}
	sep := "."
	if lastComma >= 0 {
		sep = ","
	}
	if strings.Count(n, sep) > 1 {
		return strings.ReplaceAll(n, sep, "")
	}
	i := strings.Index(n, sep)
	if len(n)-i-1 == 3 && n[:i] != "0" {
		return n[:i] + n[i+1:]
	}
	return n[:i] + "." + n[i+1:]
}

// FormatMoney writes a value in minor units as ParseMoney reads it back:
// no grouping, a point before the cents when there are any.
func FormatMoney(v int64, currency string) string {
	d := minorDigits(currency)
	if d == 0 {
		return strconv.FormatInt(v, 10)
	}
	unit := int64(100)
	if v%unit == 0 {
		return strconv.FormatInt(v/unit, 10)
	}
	return fmt.Sprintf("%d.%02d", v/unit, v%unit)
}

// Words a stage, kind or role is written with, folded, to Tend's own.
var (
	customerStages = map[string]store.Stage{
		"lead": store.StageLead, "prospect": store.StageProspect, "tiem nang": store.StageProspect, "customer": store.StageCustomer,
		"khach hang": store.StageCustomer, "loyal": store.StageLoyal, "than thiet": store.StageLoyal, "advocate": store.StageAdvocate,
		"lost": store.StageLost, "mat": store.StageLost, "da mat": store.StageLost,
	}
	// Deal stages of other CRMs. Engaging (the Maven data set: the rep is
	// working the account, after prospecting and before a result) is the
	// first stage past qualification, so proposal: Tend's qualify means
	// not yet qualified, and nothing says a negotiation has begun.
	dealStages = map[string]string{
		"qualify": "qualify", "qualification": "qualify", "qualified": "qualify", "prospecting": "qualify", "prospect": "qualify",
		"new": "qualify", "lead": "qualify", "moi": "qualify", "tiem nang": "qualify",
		"proposal": "proposal", "engaging": "proposal", "quote": "proposal", "bao gia": "proposal", "de xuat": "proposal",
		"negotiation": "negotiation", "negotiating": "negotiation", "dam phan": "negotiation", "thuong luong": "negotiation",
		"won": "won", "closed won": "won", "win": "won", "thanh cong": "won", "chot": "won", "da chot": "won", "thang": "won",
		"lost": "lost", "closed lost": "lost", "that bai": "lost", "thua": "lost", "huy": "lost", "mat": "lost",
	}
	interactionKinds = map[string]store.Kind{
		"call": store.KindCall, "phone call": store.KindCall, "goi": store.KindCall, "goi dien": store.KindCall, "cuoc goi": store.KindCall,
		"meeting": store.KindMeeting, "meet": store.KindMeeting, "gap": store.KindMeeting, "hop": store.KindMeeting, "gap mat": store.KindMeeting,
		"email": store.KindEmail, "e mail": store.KindEmail, "mail": store.KindEmail,
		"message": store.KindMessage, "sms": store.KindMessage, "chat": store.KindMessage, "zalo": store.KindMessage, "tin nhan": store.KindMessage,
		"note": store.KindNote, "ghi chu": store.KindNote,
	}
	roles = map[string]store.Role{"rep": store.RoleRep, "sales": store.RoleRep, "agent": store.RoleRep, "nhan vien": store.RoleRep,
		"manager": store.RoleManager, "quan ly": store.RoleManager, "admin": store.RoleAdmin, "quan tri": store.RoleAdmin}
	personWords = map[string]bool{"person": true, "individual": true, "ca nhan": true, "nguoi": true}
)

// word maps a written value through m by its name key; a value m does not
// know is kept as written, for the store to reject by name.
func word[T ~string](m map[string]T, s string) T {
	if v, ok := m[store.NameKey(s)]; ok {
		return v
	}
	return T(strings.ToLower(strings.TrimSpace(s)))
}
