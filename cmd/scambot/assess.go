package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scambot/scambot/bot/catalogue"
	"github.com/scambot/scambot/bot/llm"

	"github.com/scambot/scambot/bot"
	"github.com/scambot/scambot/bot/conversation"
	"github.com/scambot/scambot/bot/engine"
)

// maxBatchLine is the longest input line `assess --batch` accepts.
const maxBatchLine = 1 << 20

func cmdAssess(e *env, args []string) int {
	fs := newFlags("assess", e.stderr)
	lang := fs.String("lang", "", "language of the answer: zh or en (default: the text's)")
	region := fs.String("region", "", "region for hotlines (default SCAMBOT_REGION or CN)")
	asJSON := fs.Bool("json", false, "print the assessment as JSON (CONTRACTS.md)")
	batch := fs.Bool("batch", false, "JSON Lines in on stdin, JSON Lines out")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	cfg, cat, code := e.setup("")
	if code != exitOK {
		return code
	}
	if *region == "" {
		*region = cfg.Region
	}
	l, r, err := langRegion(cat, *lang, *region)
	if err != nil {
		fmt.Fprintf(e.stderr, "scambot assess: %v\n", err)
		return exitUsage
	}
	eng := engine.New(cat)
	model := newModel(cfg, cat, nil, nil)
	if *batch {
		if fs.NArg() > 0 {
			fmt.Fprintln(e.stderr, "scambot assess --batch reads standard input; it takes no TEXT arguments")
			return exitUsage
		}
		return assessBatch(e, eng, model, l, r)
	}
	text := strings.Join(fs.Args(), " ")
	if text == "" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, maxBatchLine))
		if err != nil {
			fmt.Fprintf(e.stderr, "scambot assess: read standard input: %v\n", err)
			return exitUsage
		}
		text = string(data)
	}
	if strings.TrimSpace(text) == "" {
		fmt.Fprintln(e.stderr, "scambot assess: no text: give it as arguments or on standard input")
		return exitUsage
	}
	var sc engine.Scratch
	a := eng.Assess(&sc, withModel(e.ctx, model, input(text, l, r)))
	if *asJSON {
		out, _ := json.Marshal(a)
		fmt.Fprintf(e.stdout, "%s\n", out)
		return exitOK
	}
	fmt.Fprintln(e.stdout, conversation.ResultText(cat, a))
	return exitOK
}

func input(text string, lang bot.Lang, region string) engine.Input {
	if lang == "" {
		lang = conversation.DetectLang(text, bot.ZH)
	}
	return engine.Input{Text: text, Lang: lang, Region: region}
}

type batchIn struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
	Lang string          `json:"lang"`
}

type batchOut struct {
	ID json.RawMessage `json:"id"`
	*bot.Assessment
}

type batchErr struct {
	ID    json.RawMessage `json:"id"`
	Error string          `json:"error"`
}

// assessBatch reads JSON Lines and writes one output line per input line,
// in order; a bad line gives an error line and the run goes on.
func assessBatch(e *env, eng *engine.Engine, model *llm.Reader, lang bot.Lang, region string) int {
	rd := bufio.NewReaderSize(e.stdin, 64*1024)
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	var sc engine.Scratch
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		line, err := readLine(rd)
		if err == io.EOF && line == "" {
			return exitOK
		}
		if err != nil && err != io.EOF {
			enc.Encode(batchErr{ID: json.RawMessage("null"), Error: fmt.Sprintf("line %d: %v", n, err)})
			if err == errLineTooLong {
				continue
			}
			return exitUsage
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		var in batchIn
		id := json.RawMessage("null")
		if jerr := json.Unmarshal([]byte(line), &in); jerr != nil {
			enc.Encode(batchErr{ID: id, Error: fmt.Sprintf("line %d: not a JSON object: %v", n, jerr)})
		} else {
			if len(in.ID) > 0 {
				id = in.ID
			}
			l := lang
			if in.Lang != "" {
				pl, ok := bot.ParseLang(in.Lang)
				if !ok {
					enc.Encode(batchErr{ID: id, Error: fmt.Sprintf("line %d: unknown lang %q", n, in.Lang)})
					goto next
				}
				l = pl
			}
			if in.Text == nil {
				enc.Encode(batchErr{ID: id, Error: fmt.Sprintf("line %d: missing \"text\"", n)})
				goto next
			}
			a := eng.Assess(&sc, withModel(e.ctx, model, input(*in.Text, l, region)))
			enc.Encode(batchOut{ID: id, Assessment: a})
		}
	next:
		if err == io.EOF {
			return exitOK
		}
	}
}

var errLineTooLong = fmt.Errorf("line longer than %d bytes", maxBatchLine)

// readLine reads one line of at most maxBatchLine bytes; a longer one is
// skipped whole and reported.
func readLine(rd *bufio.Reader) (string, error) {
	var b strings.Builder
	tooLong := false
	for {
		chunk, isPrefix, err := rd.ReadLine()
		if !tooLong {
			b.Write(chunk)
			if b.Len() > maxBatchLine {
				tooLong = true
			}
		}
		if err != nil {
			if b.Len() > 0 && !tooLong {
				return b.String(), io.EOF
			}
			return "", err
		}
		if !isPrefix {
			if tooLong {
				return "", errLineTooLong
			}
			return b.String(), nil
		}
	}
}

// newModel returns the optional model reader, or nil when SCAMBOT_LLM_MODEL
// is not set (then no model is ever called).
func newModel(cfg Config, cat *catalogue.Catalogue, log *slog.Logger, reg prometheus.Registerer) *llm.Reader {
	if cfg.LLMModel == "" {
		return nil
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return llm.New(cat, llm.Options{
		BaseURL:    cfg.LLMBaseURL,
		APIKey:     cfg.LLMAPIKey,
		Model:      cfg.LLMModel,
		Timeout:    cfg.LLMTimeout,
		Logger:     log.With("component", "llm"),
		Registerer: reg,
	})
}

// withModel adds what the model reads in the text; on any failure the
// deterministic reading stands alone (the reader logs why).
func withModel(ctx context.Context, model *llm.Reader, in engine.Input) engine.Input {
	if model == nil || in.Text == "" {
		return in
	}
	extra, _ := model.Read(ctx, in.Text, in.Lang)
	in.Extra = extra
	return in
}
