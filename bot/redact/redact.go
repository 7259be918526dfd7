// Package redact masks personal data in what users write before anything is
// kept or shared: phone numbers, bank card and account numbers, identity
// numbers, email addresses, links, street addresses and names. It works on
// Chinese (Simplified and Traditional) and English text and is a pure
// function with no I/O.
//
// Masking is deliberately greedy: any run of seven or more digits, however
// it is spaced or punctuated, becomes a placeholder, so a number in a format
// no rule foresaw is still masked. Amounts ("5000", "10w", "3,000.50",
// "¥12,500") are kept, because they matter to a report and identify nobody.
package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace masked data.
const (
	Number  = "[number]"
	Email   = "[email]"
	Link    = "[link]"
	Address = "[address]"
	Name    = "[name]"
)

// Options say what to keep. The zero value masks everything.
type Options struct {
	// Keep lists substrings the user marked as the scammer's own (a number,
	// an account, a link) to keep as evidence.
	Keep []string
}

var (
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`)
	linkRe  = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"'，。、；：！？）)]+|\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|cn|net|org|hk|tw|sg|my|top|xyz|vip|cc|co|io|me|app|link|shop|info|biz)(?:/[^\s<>"'，。、；：！？）)]*)?`)
	// Chinese addresses: a place word followed by a number and a unit
	// ("中山路88号", "3栋2单元501室", "XX小区5号楼").
	addrZhRe = regexp.MustCompile(`[\p{Han}A-Za-z0-9]{0,12}(?:路|街|道|巷|弄|村|镇|乡|小区|花园|大厦|公寓|苑|里|屯)[0-9０-９一二三四五六七八九十百零〇]+(?:号|號|弄|巷)?(?:[0-9０-９一二三四五六七八九十]+(?:栋|棟|幢|座|号楼|號樓|单元|單元|楼|樓|层|層|室|号|號|F|f))*`)
	// English addresses: a house number, a street name and a street word.
	addrEnRe = regexp.MustCompile(`(?i)\b\d{1,5}[a-z]?\s+(?:[a-z]+\s+){0,3}(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|crescent|way|boulevard|blvd|jalan|jln|lorong|place|court|ct)\b\.?(?:\s*(?:#|unit|apt|flat)\s*[\w\-]+)?`)
	// Names introduced as names: "我叫王小明", "my name is Jane Tan".
	nameZhRe = regexp.MustCompile(`(?:我叫|我是|我姓|名字叫|名字是|叫做|收件人|姓名[:：]?|他叫|她叫|对方叫|對方叫)\s*([\p{Han}]{2,4})`)
	nameEnRe = regexp.MustCompile(`(?i:my name is|i am|i'm|his name is|her name is|he said his name was|she said her name was|name:)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})`)
	// Honorific forms: "王先生", "李女士", "Mr Tan", "Ms. Lee".
	titleZhRe = regexp.MustCompile(`[\p{Han}]{1,2}(?:先生|女士|小姐|阿姨|老师|經理|经理|警官)`)
	titleEnRe = regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Miss|Mdm|Dr|Officer|Madam)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?`)
)

// dateRe matches a date written year first (2026-11-26, 2026/1/5, 2026.11.26).
var dateRe = regexp.MustCompile(`^(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])$`)

// commonNotNames are honorific forms that name nobody.
var commonNotNames = []string{"客服", "快递", "银行", "警官", "这位", "那位", "一位", "某"}

// Mask returns text with personal data replaced by placeholders.
func Mask(text string, opts Options) string {
	keep := func(s string) bool {
		for _, k := range opts.Keep {
			if k != "" && strings.Contains(k, s) || s != "" && k != "" && strings.Contains(s, k) && len(k) >= len(s)/2 {
				return true
			}
		}
		return false
	}
	repl := func(re *regexp.Regexp, placeholder string, s string) string {
		return re.ReplaceAllStringFunc(s, func(m string) string {
			if keep(m) {
				return m
			}
			return placeholder
		})
	}
	text = repl(emailRe, Email, text)
	text = repl(linkRe, Link, text)
	text = maskDigits(text, keep)
	text = addrZhRe.ReplaceAllStringFunc(text, func(m string) string {
		if keep(m) {
			return m
		}
		// Keep the verb before the place: "住在", "寄到".
		for _, p := range []string{"住在", "寄到", "送到", "地址是", "住", "在", "到"} {
			if strings.HasPrefix(m, p) {
				return p + Address
			}
		}
		return Address
	})
	text = repl(addrEnRe, Address, text)
	text = nameZhRe.ReplaceAllStringFunc(text, func(m string) string {
		sub := nameZhRe.FindStringSubmatch(m)
		if len(sub) < 2 || keep(sub[1]) {
			return m
		}
		return strings.Replace(m, sub[1], Name, 1)
	})
	text = nameEnRe.ReplaceAllStringFunc(text, func(m string) string {
		sub := nameEnRe.FindStringSubmatch(m)
		if len(sub) < 2 || keep(sub[1]) {
			return m
		}
		return strings.Replace(m, sub[1], Name, 1)
	})
	text = titleZhRe.ReplaceAllStringFunc(text, func(m string) string {
		for _, c := range commonNotNames {
			if strings.Contains(m, c) {
				return m
			}
		}
		if keep(m) {
			return m
		}
		return Name
	})
	text = repl(titleEnRe, Name, text)
	return text
}

// maskDigits replaces every run of seven or more digits with Number. A run
// may be broken by spaces, dashes, dots, slashes, brackets or a leading "+",
// and may include letters that identity numbers carry (the X check digit
// of a mainland ID, the letter of an HK or TW ID, an NRIC's letters) and
// full-width or other Unicode digits. Shorter runs (amounts, codes, dates)
// are kept.
func maskDigits(text string, keep func(string) bool) string {
	var b strings.Builder
	b.Grow(len(text))
	i := 0
	for i < len(text) {
		start, end, digits := scanNumber(text, i)
		if digits == 0 {
			r, size := utf8.DecodeRuneInString(text[i:])
			b.WriteRune(r)
			i += size
			continue
		}
		chunk := text[start:end]
		b.WriteString(text[i:start])
		if digits >= 7 && !keep(chunk) {
			b.WriteString(Number)
		} else {
			b.WriteString(chunk)
		}
		i = end
	}
	return b.String()
}

// scanNumber finds, at or after i, the next number-like run: it returns its
// bounds and how many digits it holds, or 0 digits if the next rune does not
// start one.
func scanNumber(text string, i int) (start, end, digits int) {
	r, size := utf8.DecodeRuneInString(text[i:])
	lead := 0
	// An identity number may start with one or two letters (HK A123456(7),
	// TW A123456789, SG S1234567D) directly followed by digits.
	if isLetter(r) {
		j := i + size
		if r2, s2 := utf8.DecodeRuneInString(text[j:]); isLetter(r2) {
			j += s2
		}
		if r3, _ := utf8.DecodeRuneInString(text[j:]); !isDigit(r3) || precededByLetter(text, i) {
			return i, i, 0
		}
		lead = j - i
	} else if r == '+' || r == '(' || r == '（' {
		j := i + size
		if r3, _ := utf8.DecodeRuneInString(text[j:]); !isDigit(r3) {
			return i, i, 0
		}
		lead = size
	} else if !isDigit(r) {
		return i, i, 0
	}
	start = i
	j := i + lead
	lastDigitEnd := j
	gap := 0
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		switch {
		case isDigit(r):
			digits++
			j += size
			lastDigitEnd = j
			gap = 0
			continue
		case (r == 'x' || r == 'X') && digits >= 14:
			// The check digit of a mainland identity number.
			j += size
			lastDigitEnd = j
			gap = 0
			continue
		case isLetter(r) && digits >= 7 && gap == 0:
			// A trailing NRIC letter.
			j += size
			lastDigitEnd = j
			continue
		case isSeparator(r) && gap < 2:
			j += size
			gap++
			continue
		}
		break
	}
	end = lastDigitEnd
	if digits == 0 {
		return i, i, 0
	}
	// Amounts: a run with a decimal part or thousands separators in the
	// usual places, or a currency sign or a unit next to it, is money, not
	// an identifier, when it has at most nine digits.
	if digits >= 7 && digits <= 9 && looksLikeAmount(text, start, end) {
		return start, end, 1
	}
	if digits == 8 && dateRe.MatchString(text[start:end]) {
		return start, end, 1
	}
	return start, end, digits
}

func precededByLetter(text string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return isLetter(r) || isDigit(r)
}

func looksLikeAmount(text string, start, end int) bool {
	chunk := text[start:end]
	before := strings.TrimRight(text[:start], " ")
	after := strings.TrimLeft(text[end:], " ")
	for _, cur := range []string{"¥", "￥", "$", "RM", "rm", "HK$", "S$", "NT$", "£", "€", "元", "块", "萬", "万"} {
		if strings.HasSuffix(before, cur) || strings.HasPrefix(after, cur) {
			return true
		}
	}
	for _, unit := range []string{"yuan", "rmb", "dollars", "ringgit", "hkd", "sgd"} {
		if strings.HasPrefix(strings.ToLower(after), unit) {
			return true
		}
	}
	// 1,234,567 or 1,234,567.89: thousands groups of three.
	parts := strings.Split(strings.SplitN(chunk, ".", 2)[0], ",")
	if len(parts) >= 3 {
		for _, p := range parts[1:] {
			if len(p) != 3 {
				return false
			}
		}
		return true
	}
	return false
}

func isDigit(r rune) bool  { return unicode.IsDigit(r) }
func isLetter(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }
func isSeparator(r rune) bool {
	switch r {
	case ' ', '-', '.', '/', '(', ')', '（', '）', '\u00a0', '–', '—', '_', ',', '+':
		return true
	}
	return false
}

// DigitRun reports the longest run of digits in s once separators are
// ignored; tests use it to check that nothing identifying survives.
// Up to two separators in a row join digits, as in maskDigits.
func DigitRun(s string) int {
	best, cur, gap := 0, 0, 0
	for _, r := range s {
		switch {
		case isDigit(r):
			cur++
			gap = 0
			if cur > best {
				best = cur
			}
		case isSeparator(r) && gap < 2:
			gap++
		default:
			cur, gap = 0, 0
		}
	}
	return best
}
