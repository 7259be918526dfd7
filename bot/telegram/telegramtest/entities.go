package telegramtest

// This file ports TDLib's parsers for the three Bot API parse modes
// (td/telegram/MessageEntity.cpp: parse_markdown, parse_markdown_v2,
// parse_html), keeping their error messages and byte offsets, so that a
// text the real server rejects is rejected here with the same description.

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TDLib entity type names, used in error messages, and their Bot API names.
const (
	entBold          = "Bold"
	entItalic        = "Italic"
	entUnderline     = "Underline"
	entStrike        = "Strikethrough"
	entSpoiler       = "Spoiler"
	entCode          = "Code"
	entPre           = "Pre"
	entPreCode       = "PreCode"
	entTextURL       = "TextUrl"
	entMentionName   = "MentionName"
	entCustomEmoji   = "CustomEmoji"
	entBlockQuote    = "BlockQuote"
	entExpandableBQ  = "ExpandableBlockQuote"
	entFormattedDate = "Date"
	entNone          = "" // MarkdownV2 "Size": not an entity
)

var botAPIEntityType = map[string]string{
	entBold: "bold", entItalic: "italic", entUnderline: "underline", entStrike: "strikethrough",
	entSpoiler: "spoiler", entCode: "code", entPre: "pre", entPreCode: "pre", entTextURL: "text_link",
	entMentionName: "text_mention", entCustomEmoji: "custom_emoji", entBlockQuote: "blockquote",
	entExpandableBQ: "expandable_blockquote", entFormattedDate: "date_time",
}

// ent is a parsed entity in TDLib terms; offsets in UTF-16 code units.
type ent struct {
	typ    string
	offset int
	length int
	arg    string // URL, language, custom emoji id, date format
	userID int64
	date   int64
}

// parseError is a TDLib parser error; the server reports it as
// "Bad Request: can't parse entities: <msg>".
type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

func perr(format string, args ...any) error { return &parseError{msg: fmt.Sprintf(format, args...)} }

func reservedErr(c byte) error {
	return perr("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
}

// isFirstCodeUnit reports whether c starts a UTF-8 sequence.
func isFirstCodeUnit(c byte) bool { return c&0xC0 != 0x80 }

// utf16Units is how many UTF-16 units the character starting with c takes.
func utf16Units(c byte) int {
	if c >= 0xf0 {
		return 2
	}
	return 1
}

// isSpace is TDLib's is_space, which also matches NUL (the end of a C string).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == '\v'
}

func isAlpha(c byte) bool {
	c |= 0x20
	return 'a' <= c && c <= 'z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f')
}

// byteAt returns text[i], or 0 past the end like a C string.
func byteAt(text string, i int) byte {
	if i >= 0 && i < len(text) {
		return text[i]
	}
	return 0
}

func sortEntities(es []ent) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].offset != es[j].offset {
			return es[i].offset < es[j].offset
		}
		return es[i].length > es[j].length
	})
}

// parseMarkdown ports TDLib's legacy Markdown parser.
func parseMarkdown(text string) (string, []ent, error) {
	var out []byte
	var entities []ent
	size := len(text)
	utf16 := 0
	at := func(i int) byte { return byteAt(text, i) }
	for i := 0; i < size; i++ {
		c := text[i]
		if c == '\\' && (at(i+1) == '_' || at(i+1) == '*' || at(i+1) == '`' || at(i+1) == '[') {
			i++
			out = append(out, text[i])
			utf16++
			continue
		}
		if c != '_' && c != '*' && c != '`' && c != '[' {
			if isFirstCodeUnit(c) {
				utf16 += utf16Units(c)
			}
			out = append(out, c)
			continue
		}
		beginPos := i
		end := c
		isPre := false
		if c == '[' {
			end = ']'
		}
		i++
		language := ""
		if c == '`' && at(i) == '`' && at(i+1) == '`' {
			i += 2
			isPre = true
			langEnd := i
			for !isSpace(at(langEnd)) && at(langEnd) != '`' {
				langEnd++
			}
			if i != langEnd && langEnd < size && at(langEnd) != '`' {
				language = text[i:langEnd]
				i = langEnd
			}
			if at(i) == '\n' || at(i) == '\r' {
				if (at(i+1) == '\n' || at(i+1) == '\r') && at(i) != at(i+1) {
					i += 2
				} else {
					i++
				}
			}
		}
		entOffset := utf16
		for i < size && (text[i] != end || (isPre && !(at(i+1) == '`' && at(i+2) == '`'))) {
			if isFirstCodeUnit(text[i]) {
				utf16 += utf16Units(text[i])
			}
			out = append(out, text[i])
			i++
		}
		if i >= size {
			return "", nil, perr("Can't find end of the entity starting at byte offset %d", beginPos)
		}
		if entOffset != utf16 {
			length := utf16 - entOffset
			switch c {
			case '_':
				entities = append(entities, ent{typ: entItalic, offset: entOffset, length: length})
			case '*':
				entities = append(entities, ent{typ: entBold, offset: entOffset, length: length})
			case '[':
				var link string
				if at(i+1) != '(' {
					link = text[beginPos+1 : i]
				} else {
					i += 2
					start := i
					for i < size && text[i] != ')' {
						i++
					}
					link = text[start:min(i, size)]
				}
				if uid := linkUserID(link); uid != 0 {
					entities = append(entities, ent{typ: entMentionName, offset: entOffset, length: length, userID: uid})
				} else if checked := checkedLink(link); checked != "" {
					entities = append(entities, ent{typ: entTextURL, offset: entOffset, length: length, arg: checked})
				}
			case '`':
				switch {
				case !isPre:
					entities = append(entities, ent{typ: entCode, offset: entOffset, length: length})
				case language == "":
					entities = append(entities, ent{typ: entPre, offset: entOffset, length: length})
				default:
					entities = append(entities, ent{typ: entPreCode, offset: entOffset, length: length, arg: language})
				}
			}
		}
		if isPre {
			i += 2
		}
	}
	return string(out), entities, nil
}

// parseMarkdownV2 ports TDLib's MarkdownV2 parser.
func parseMarkdownV2(text string) (string, []ent, error) {
	type info struct {
		typ      string
		arg      string
		offset   int // UTF-16 offset in the result
		byteOff  int // byte offset in the input
		beginPos int // byte offset in the result
	}
	var out []byte
	var entities []ent
	var nested []info
	utf16 := 0
	haveBlockquote := false
	canStartBlockquote := true
	at := func(i int) byte { return byteAt(text, i) }
	endErr := func(e info) error {
		return perr("Can't find end of %s entity at byte offset %d", e.typ, e.byteOff)
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
			i++
			utf16++
			out = append(out, text[i])
			if text[i] != '\r' {
				canStartBlockquote = text[i] == '\n'
			}
			continue
		}
		reserved := "_*[]()~`>#+-=|{}.!\n"
		if len(nested) > 0 {
			switch nested[len(nested)-1].typ {
			case entCode, entPre, entPreCode:
				reserved = "`"
			}
		}
		if strings.IndexByte(reserved, c) < 0 {
			if isFirstCodeUnit(c) {
				utf16 += utf16Units(c)
				if c != '\r' {
					canStartBlockquote = false
				}
			}
			out = append(out, c)
			continue
		}
		isEnd := false
		if len(nested) > 0 {
			if haveBlockquote && c == '\n' && (i+1 == len(text) || text[i+1] != '>') {
				isEnd = true
			} else {
				switch nested[len(nested)-1].typ {
				case entBold:
					isEnd = c == '*'
				case entItalic:
					isEnd = c == '_' && at(i+1) != '_'
				case entCode:
					isEnd = c == '`'
				case entPre, entPreCode:
					isEnd = c == '`' && at(i+1) == '`' && at(i+2) == '`'
				case entTextURL, entCustomEmoji:
					isEnd = c == ']'
				case entUnderline:
					isEnd = c == '_' && at(i+1) == '_'
				case entStrike:
					isEnd = c == '~'
				case entSpoiler:
					isEnd = c == '|' && at(i+1) == '|'
				}
			}
		}
		if !isEnd {
			typ := entNone
			arg := ""
			byteOff := i
			switch c {
			case '_':
				if at(i+1) == '_' {
					typ = entUnderline
					i++
				} else {
					typ = entItalic
				}
			case '*':
				typ = entBold
			case '~':
				typ = entStrike
			case '|':
				if at(i+1) != '|' {
					return "", nil, reservedErr(c)
				}
				i++
				typ = entSpoiler
			case '[':
				typ = entTextURL
			case '`':
				if at(i+1) == '`' && at(i+2) == '`' {
					i += 3
					typ = entPre
					langEnd := i
					for !isSpace(at(langEnd)) && at(langEnd) != '`' {
						langEnd++
					}
					if i != langEnd && langEnd < len(text) && at(langEnd) != '`' {
						typ = entPreCode
						arg = text[i:langEnd]
						i = langEnd
					}
					if at(i) == '\n' || at(i) == '\r' {
						if (at(i+1) == '\n' || at(i+1) == '\r') && at(i) != at(i+1) {
							i += 2
						} else {
							i++
						}
					}
					i--
				} else {
					typ = entCode
				}
			case '!':
				if at(i+1) != '[' {
					return "", nil, reservedErr(c)
				}
				i++
				typ = entCustomEmoji
			case '\n':
				utf16++
				out = append(out, '\n')
				canStartBlockquote = true
			case '>':
				if !canStartBlockquote {
					return "", nil, reservedErr(c)
				}
				if !haveBlockquote {
					typ = entBlockQuote
					haveBlockquote = true
				}
			default:
				return "", nil, reservedErr(c)
			}
			if typ == entNone {
				continue
			}
			nested = append(nested, info{typ: typ, arg: arg, offset: utf16, byteOff: byteOff, beginPos: len(out)})
			continue
		}

		// The end of an entity.
		back := nested[len(nested)-1]
		typ := back.typ
		if c == '\n' && typ != entBlockQuote {
			if typ != entSpoiler || !(back.byteOff == i-2 ||
				(back.byteOff == i-3 && len(out) != 0 && out[len(out)-1] == '\r')) {
				return "", nil, endErr(back)
			}
			nested = nested[:len(nested)-1]
			back = nested[len(nested)-1]
			if back.typ != entBlockQuote {
				return "", nil, endErr(back)
			}
			typ = entExpandableBQ
		}
		arg := back.arg
		skip := utf16 == back.offset
		var userID, date int64
		readURL := func() (string, error) {
			i += 2
			begin := i
			var u []byte
			for i < len(text) && text[i] != ')' {
				if text[i] == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
					u = append(u, text[i+1])
					i += 2
					continue
				}
				u = append(u, text[i])
				i++
			}
			if at(i) != ')' {
				return "", perr("Can't find end of a URL at byte offset %d", begin)
			}
			return string(u), nil
		}
		switch typ {
		case entUnderline, entSpoiler:
			i++
		case entPre, entPreCode:
			i += 2
		case entTextURL:
			var link string
			if at(i+1) != '(' {
				link = string(out[back.beginPos:])
			} else {
				var err error
				if link, err = readURL(); err != nil {
					return "", nil, err
				}
			}
			if userID = linkUserID(link); userID != 0 {
				typ = entMentionName
			} else if checked := checkedLink(link); checked != "" {
				arg = checked
			} else {
				skip = true
			}
		case entCustomEmoji:
			if at(i+1) != '(' {
				return "", nil, perr("The entity must contain a tg://emoji or tg://time URL")
			}
			link, err := readURL()
			if err != nil {
				return "", nil, err
			}
			if q, isTg := tgLinkQuery(link, "emoji"); isTg {
				id, err := strconv.ParseInt(queryValue(q, "id"), 10, 64)
				if err != nil || id == 0 {
					return "", nil, perr("Invalid tg://emoji or tg://time URL specified")
				}
				arg = strconv.FormatInt(id, 10)
			} else if q, isTg := tgLinkQuery(link, "time"); isTg {
				d, err := strconv.ParseInt(queryValue(q, "unix"), 10, 32)
				if err != nil || d <= 0 {
					return "", nil, perr("Invalid tg://emoji or tg://time URL specified")
				}
				typ, date, arg = entFormattedDate, d, queryValue(q, "format")
			} else {
				return "", nil, perr("Invalid tg://emoji or tg://time URL specified")
			}
		case entBlockQuote, entExpandableBQ:
			haveBlockquote = false
			out = append(out, text[i])
			canStartBlockquote = true
			utf16++
			skip = false
		}
		if !skip {
			entities = append(entities, ent{
				typ: typ, offset: back.offset, length: utf16 - back.offset, arg: arg, userID: userID, date: date,
			})
		}
		nested = nested[:len(nested)-1]
	}
	if haveBlockquote && len(nested) > 0 {
		typ := entBlockQuote
		if back := nested[len(nested)-1]; back.typ == entSpoiler && back.byteOff == len(text)-2 && len(nested) > 1 {
			nested = nested[:len(nested)-1]
			typ = entExpandableBQ
		}
		if back := nested[len(nested)-1]; back.typ == entBlockQuote {
			if length := utf16 - back.offset; length != 0 {
				entities = append(entities, ent{typ: typ, offset: back.offset, length: length})
			}
			nested = nested[:len(nested)-1]
		}
	}
	if len(nested) > 0 {
		return "", nil, endErr(nested[len(nested)-1])
	}
	sortEntities(entities)
	return string(out), entities, nil
}

// htmlTags are the start tags TDLib accepts.
var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "s": true, "strike": true, "del": true,
	"u": true, "ins": true, "tg-spoiler": true, "tg-emoji": true, "tg-time": true, "span": true,
	"pre": true, "code": true, "blockquote": true,
}

// decodeHTMLEntity ports TDLib's decode_html_entity. It returns the code
// point (0 if text[pos:] is not an entity) and the position after it.
func decodeHTMLEntity(text string, pos int) (rune, int) {
	at := func(i int) byte { return byteAt(text, i) }
	end := pos + 1
	var res uint32
	if at(pos+1) == '#' {
		end++
		if at(pos+2) == 'x' {
			end++
			for isHexDigit(at(end)) {
				d, _ := strconv.ParseUint(string(at(end)), 16, 8)
				res = res*16 + uint32(d)
				end++
				if res > 0x10ffff {
					res = 0x110000 // avoid overflow; rejected below
				}
			}
		} else {
			for isDigit(at(end)) {
				res = res*10 + uint32(at(end)-'0')
				end++
				if res > 0x10ffff {
					res = 0x110000
				}
			}
		}
		if res == 0 || res >= 0x10ffff || end-pos >= 10 {
			return 0, pos
		}
	} else {
		for isAlpha(at(end)) {
			end++
		}
		switch text[pos+1 : end] {
		case "lt":
			res = '<'
		case "gt":
			res = '>'
		case "amp":
			res = '&'
		case "quot":
			res = '"'
		default:
			return 0, pos
		}
	}
	if at(end) == ';' {
		return rune(res), end + 1
	}
	return rune(res), end
}

// parseHTML ports TDLib's HTML parser.
func parseHTML(text string) (string, []ent, error) {
	type info struct {
		tag      string
		arg      string
		date     int64
		offset   int
		beginPos int
	}
	var out []byte
	var entities []ent
	var nested []info
	utf16 := 0
	surrogate := false
	at := func(i int) byte { return byteAt(text, i) }
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '&' {
			if code, next := decodeHTMLEntity(text, i); code != 0 {
				i = next - 1
				utf16++
				if code > 0xffff {
					utf16++
				}
				if code >= 0xd800 && code <= 0xdfff {
					surrogate = true
				}
				out = utf8.AppendRune(out, code)
				continue
			}
		}
		if c != '<' {
			if isFirstCodeUnit(c) {
				utf16 += utf16Units(c)
			}
			out = append(out, c)
			continue
		}
		beginPos := i
		i++
		if at(i) != '/' {
			for !isSpace(at(i)) && at(i) != '>' {
				i++
			}
			if at(i) == 0 {
				return "", nil, perr("Unclosed start tag at byte offset %d", beginPos)
			}
			tag := strings.ToLower(text[beginPos+1 : i])
			if !htmlTags[tag] {
				return "", nil, perr("Unsupported start tag \"%s\" at byte offset %d", tag, beginPos)
			}
			arg := ""
			var date int64
			for at(i) != '>' {
				for at(i) != 0 && isSpace(at(i)) {
					i++
				}
				if at(i) == '>' {
					break
				}
				attrBegin := i
				for !isSpace(at(i)) && at(i) != '=' && at(i) != '>' && at(i) != '/' && at(i) != '"' && at(i) != '\'' {
					i++
				}
				attr := text[attrBegin:i]
				if attr == "" {
					return "", nil, perr("Empty attribute name in the tag \"%s\" at byte offset %d", tag, beginPos)
				}
				for at(i) != 0 && isSpace(at(i)) {
					i++
				}
				if at(i) != '=' {
					if at(i) == 0 {
						return "", nil, perr("Unclosed start tag \"%s\" at byte offset %d", tag, beginPos)
					}
					if tag == "blockquote" && attr == "expandable" {
						arg = "1"
					}
					continue
				}
				i++
				for at(i) != 0 && isSpace(at(i)) {
					i++
				}
				if at(i) == 0 {
					return "", nil, perr("Unclosed start tag \"%s\" at byte offset %d", tag, beginPos)
				}
				var value string
				if at(i) != '\'' && at(i) != '"' {
					tokenBegin := i
					for isAlpha(at(i)) || isDigit(at(i)) || at(i) == '.' || at(i) == '-' {
						i++
					}
					value = strings.ToLower(text[tokenBegin:i])
					if !isSpace(at(i)) && at(i) != '>' {
						return "", nil, perr("Unexpected end of name token at byte offset %d", tokenBegin)
					}
				} else {
					quote := at(i)
					i++
					var v []byte
					for at(i) != quote && at(i) != 0 {
						if at(i) == '&' {
							if code, next := decodeHTMLEntity(text, i); code != 0 {
								v = utf8.AppendRune(v, code)
								i = next
								continue
							}
						}
						v = append(v, at(i))
						i++
					}
					if at(i) == quote {
						i++
					}
					value = string(v)
				}
				if at(i) == 0 {
					return "", nil, perr("Unclosed start tag at byte offset %d", beginPos)
				}
				switch {
				case tag == "a" && attr == "href":
					arg = value
				case tag == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
					arg = value[len("language-"):]
				case tag == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
					arg = value[len("tg-"):]
				case tag == "tg-emoji" && attr == "emoji-id":
					arg = value
				case tag == "blockquote" && attr == "expandable":
					arg = "1"
				case tag == "tg-time" && attr == "unix":
					date, _ = strconv.ParseInt(value, 10, 32)
				case tag == "tg-time" && attr == "format":
					arg = value
				}
			}
			if tag == "span" && arg != "spoiler" {
				return "", nil, perr("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", beginPos)
			}
			nested = append(nested, info{tag: tag, arg: arg, date: date, offset: utf16, beginPos: len(out)})
			continue
		}

		// An end tag.
		if len(nested) == 0 {
			return "", nil, perr("Unexpected end tag at byte offset %d", beginPos)
		}
		for !isSpace(at(i)) && at(i) != '>' {
			i++
		}
		endTag := strings.ToLower(text[beginPos+2 : i])
		for isSpace(at(i)) && at(i) != 0 {
			i++
		}
		if at(i) != '>' {
			return "", nil, perr("Unclosed end tag at byte offset %d", beginPos)
		}
		back := nested[len(nested)-1]
		if endTag != "" && endTag != back.tag {
			return "", nil, perr("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"",
				beginPos, back.tag, endTag)
		}
		if utf16 > back.offset {
			e := ent{offset: back.offset, length: utf16 - back.offset}
			switch back.tag {
			case "i", "em":
				e.typ = entItalic
			case "b", "strong":
				e.typ = entBold
			case "s", "strike", "del":
				e.typ = entStrike
			case "u", "ins":
				e.typ = entUnderline
			case "tg-spoiler", "span":
				e.typ = entSpoiler
			case "tg-emoji":
				id, err := strconv.ParseInt(back.arg, 10, 64)
				if err != nil || id == 0 {
					return "", nil, perr("Invalid custom emoji identifier specified")
				}
				e.typ, e.arg = entCustomEmoji, strconv.FormatInt(id, 10)
			case "tg-time":
				if back.date > 0 {
					e.typ, e.date, e.arg = entFormattedDate, back.date, back.arg
				}
			case "a":
				link := back.arg
				if link == "" {
					link = string(out[back.beginPos:])
				}
				if uid := linkUserID(link); uid != 0 {
					e.typ, e.userID = entMentionName, uid
				} else if checked := checkedLink(link); checked != "" {
					e.typ, e.arg = entTextURL, checked
				}
			case "pre":
				if n := len(entities); n > 0 && entities[n-1].typ == entCode && entities[n-1].offset == e.offset &&
					entities[n-1].length == e.length && entities[n-1].arg != "" {
					entities[n-1].typ = entPreCode
				} else {
					e.typ = entPre
				}
			case "code":
				if n := len(entities); n > 0 && entities[n-1].typ == entPre && entities[n-1].offset == e.offset &&
					entities[n-1].length == e.length && back.arg != "" {
					entities[n-1].typ, entities[n-1].arg = entPreCode, back.arg
				} else {
					e.typ, e.arg = entCode, back.arg
				}
			case "blockquote":
				e.typ = entBlockQuote
				if back.arg != "" {
					e.typ = entExpandableBQ
				}
			}
			if e.typ != "" {
				entities = append(entities, e)
			}
		}
		nested = nested[:len(nested)-1]
	}
	if len(nested) > 0 {
		return "", nil, perr("Can't find end tag corresponding to start tag \"%s\"", nested[len(nested)-1].tag)
	}
	for k := range entities {
		if entities[k].typ == entCode {
			entities[k].arg = ""
		}
	}
	sortEntities(entities)
	if surrogate {
		return "", nil, perr("Text contains invalid Unicode characters after decoding HTML entities, " +
			"check for unmatched surrogate code units")
	}
	return string(out), entities, nil
}

// tgLinkQuery returns the query of a tg://host?… link (scheme and host
// case-insensitive), like TDLib's check_tg_url_host.
func tgLinkQuery(link, host string) (string, bool) {
	lower := strings.ToLower(link)
	rest, isTg := strings.CutPrefix(lower, "tg:")
	if !isTg {
		return "", false
	}
	rest = strings.TrimPrefix(rest, "//")
	if !strings.HasPrefix(rest, host) {
		return "", false
	}
	rest = rest[len(host):]
	if rest != "" && !strings.ContainsRune("/?#", rune(rest[0])) {
		return "", false
	}
	rest = strings.TrimPrefix(rest, "/")
	q, hasQuery := strings.CutPrefix(rest, "?")
	if !hasQuery {
		return "", false
	}
	q, _, _ = strings.Cut(q, "#")
	return q, true
}

func queryValue(q, key string) string {
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k == key {
			return v
		}
	}
	return ""
}

// linkUserID returns the id in a tg://user?id=N link, or 0.
func linkUserID(link string) int64 {
	q, ok := tgLinkQuery(link, "user")
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(queryValue(q, "id"), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// checkLink is a simplified TDLib LinkManager::check_link: tg:, ton: and
// tonsite: links pass; otherwise the link must be http(s) (the scheme may be
// left out) with a host that contains a dot. It returns the normalized URL.
func checkLink(link string) (string, error) {
	lower := strings.ToLower(link)
	for _, scheme := range []string{"tg:", "ton:", "tonsite:"} {
		if strings.HasPrefix(lower, scheme) {
			return link, nil
		}
	}
	full := link
	if !strings.Contains(lower, "://") {
		full = "http://" + link
	}
	u, err := url.Parse(full)
	if err != nil || u.Host == "" || strings.ContainsAny(link, " \t\r\n") {
		return "", fmt.Errorf("Wrong HTTP URL")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", fmt.Errorf("Unsupported URL protocol")
	}
	host := strings.ToLower(u.Hostname())
	if !strings.Contains(host, ".") && !strings.Contains(host, ":") {
		return "", fmt.Errorf("Wrong HTTP URL")
	}
	u.Scheme = scheme
	u.Host = strings.ToLower(u.Host)
	if u.Path == "" && u.RawPath == "" {
		u.Path = "/"
	}
	return u.String(), nil
}

// checkedLink is checkLink returning "" for an invalid link.
func checkedLink(link string) string {
	s, err := checkLink(link)
	if err != nil {
		return ""
	}
	return s
}

// formatText parses text for parseMode like the real server: it returns
// the visible text and its entities (Bot API form), or the description of
// the failure. knownUser resolves text_mention users.
func formatText(text, parseMode string, knownUser func(int64) (User, bool)) (string, []MessageEntity, *apiError) {
	var (
		plain string
		es    []ent
		err   error
	)
	switch strings.ToLower(parseMode) {
	case "", "none":
		plain = text
	case "markdown":
		plain, es, err = parseMarkdown(text)
	case "markdownv2":
		plain, es, err = parseMarkdownV2(text)
	case "html":
		plain, es, err = parseHTML(text)
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
	if err != nil {
		return "", nil, badRequest("can't parse entities: " + err.Error())
	}
	plain, es = trimText(plain, es)
	if plain == "" {
		return "", nil, badRequest("text must be non-empty")
	}
	var out []MessageEntity
	for _, e := range es {
		me := MessageEntity{Type: botAPIEntityType[e.typ], Offset: e.offset, Length: e.length}
		switch e.typ {
		case entTextURL:
			me.URL = e.arg
		case entPreCode:
			me.Language = e.arg
		case entCustomEmoji:
			me.CustomEmojiID = e.arg
		case entMentionName:
			u, known := knownUser(e.userID)
			if !known {
				continue
			}
			me.User = &u
		}
		out = append(out, me)
	}
	return plain, out, nil
}

// trimText strips leading spaces and newlines before the first entity and
// trailing whitespace, as TDLib's fix_formatted_text does, clipping
// entities to the remaining text.
func trimText(text string, es []ent) (string, []ent) {
	end := len(text)
	for end > 0 && isSpace(text[end-1]) {
		end--
	}
	if end == 0 {
		return "", nil
	}
	text = text[:end]
	n := utf16Len(text)
	kept := es[:0]
	for _, e := range es {
		if e.offset >= n {
			continue
		}
		if e.offset+e.length > n {
			e.length = n - e.offset
		}
		if e.length > 0 {
			kept = append(kept, e)
		}
	}
	es = kept
	firstEntity := len(text)
	if len(es) > 0 {
		firstEntity = es[0].offset // ASCII prefix: UTF-16 offset == byte offset
	}
	start := 0
	for start < firstEntity && start < len(text) && (text[start] == ' ' || text[start] == '\n') {
		start++
	}
	if start > 0 {
		text = text[start:]
		for k := range es {
			es[k].offset -= start
		}
	}
	sortEntities(es)
	return text, es
}
