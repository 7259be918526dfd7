package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scambot/scambot/bot/catalogue"
)

// Config is every setting of scambot, filled in order: defaults, the config
// file (SCAMBOT_CONFIG, strict YAML), the environment of CONTRACTS.md, flags.
type Config struct {
	TelegramToken  string        `yaml:"telegram_bot_token"`
	TelegramAPIURL string        `yaml:"telegram_api_url"`
	DB             string        `yaml:"db"`
	ContentDir     string        `yaml:"content_dir"`
	HTTPAddr       string        `yaml:"http_addr"`
	WebhookURL     string        `yaml:"webhook_url"`
	WebhookSecret  string        `yaml:"webhook_secret"`
	LLMBaseURL     string        `yaml:"llm_base_url"`
	LLMAPIKey      string        `yaml:"llm_api_key"`
	LLMModel       string        `yaml:"llm_model"`
	LLMTimeout     time.Duration `yaml:"llm_timeout"`
	Moderators     []int64       `yaml:"moderators"`
	Owner          int64         `yaml:"owner"`
	Region         string        `yaml:"region"`
	SessionTTL     time.Duration `yaml:"session_ttl"`
	Retention      time.Duration `yaml:"retention"`
	WatchInterval  time.Duration `yaml:"watch_interval"`
	LogFormat      string        `yaml:"log_format"`
}

// DefaultConfig returns the defaults of CONTRACTS.md.
func DefaultConfig() Config {
	return Config{
		TelegramAPIURL: "https://api.telegram.org",
		DB:             "scambot.db",
		HTTPAddr:       "127.0.0.1:8080",
		Region:         "CN",
		LLMTimeout:     8 * time.Second,
		SessionTTL:     24 * time.Hour,
		Retention:      30 * 24 * time.Hour,
		WatchInterval:  10 * time.Minute,
		LogFormat:      "json",
	}
}

// envVars maps the environment of CONTRACTS.md to the config. A plain table,
// no reflection: the names are a contract.
var envVars = []struct {
	name string
	set  func(c *Config, v string) error
}{
	{"TELEGRAM_BOT_TOKEN", func(c *Config, v string) error { c.TelegramToken = v; return nil }},
	{"SCAMBOT_TELEGRAM_API_URL", func(c *Config, v string) error { c.TelegramAPIURL = v; return nil }},
	{"SCAMBOT_DB", func(c *Config, v string) error { c.DB = v; return nil }},
	{"SCAMBOT_CONTENT_DIR", func(c *Config, v string) error { c.ContentDir = v; return nil }},
	{"SCAMBOT_HTTP_ADDR", func(c *Config, v string) error { c.HTTPAddr = v; return nil }},
	{"SCAMBOT_WEBHOOK_URL", func(c *Config, v string) error { c.WebhookURL = v; return nil }},
	{"SCAMBOT_WEBHOOK_SECRET", func(c *Config, v string) error { c.WebhookSecret = v; return nil }},
	{"SCAMBOT_LLM_BASE_URL", func(c *Config, v string) error { c.LLMBaseURL = v; return nil }},
	{"SCAMBOT_LLM_API_KEY", func(c *Config, v string) error { c.LLMAPIKey = v; return nil }},
	{"SCAMBOT_LLM_MODEL", func(c *Config, v string) error { c.LLMModel = v; return nil }},
	{"SCAMBOT_LLM_TIMEOUT", func(c *Config, v string) (err error) { c.LLMTimeout, err = time.ParseDuration(v); return }},
	{"SCAMBOT_MODERATORS", func(c *Config, v string) error {
		ids, err := parseIDs(v)
		c.Moderators = ids
		return err
	}},
	{"SCAMBOT_OWNER", func(c *Config, v string) error {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		c.Owner = id
		return err
	}},
	{"SCAMBOT_REGION", func(c *Config, v string) error { c.Region = strings.ToUpper(strings.TrimSpace(v)); return nil }},
	{"SCAMBOT_SESSION_TTL", func(c *Config, v string) (err error) { c.SessionTTL, err = time.ParseDuration(v); return }},
	{"SCAMBOT_RETENTION", func(c *Config, v string) (err error) { c.Retention, err = time.ParseDuration(v); return }},
	{"SCAMBOT_WATCH_INTERVAL", func(c *Config, v string) (err error) { c.WatchInterval, err = time.ParseDuration(v); return }},
	{"SCAMBOT_LOG_FORMAT", func(c *Config, v string) error { c.LogFormat = v; return nil }},
}

func parseIDs(v string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return ids, fmt.Errorf("%q is not a Telegram user id", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// LoadConfig builds the config from defaults, the file named by
// SCAMBOT_CONFIG (if any) and the environment.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	var errs []error
	if path := getenv("SCAMBOT_CONFIG"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config file: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, errEOF(err)) {
			return c, fmt.Errorf("%s: %w", path, err)
		}
	}
	for _, v := range envVars {
		if s := getenv(v.name); s != "" {
			if err := v.set(&c, s); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", v.name, err))
			}
		}
	}
	return c, errors.Join(errs...)
}

// errEOF lets an empty config file through.
func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return errors.New("not eof")
}

// Catalogue loads the catalogue: from dir if given, else from ContentDir,
// else the embedded copy.
func (c Config) Catalogue(dir string) (*catalogue.Catalogue, error) {
	if dir == "" {
		dir = c.ContentDir
	}
	if dir == "" {
		return catalogue.LoadEmbedded()
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("content directory %q: not a directory (it must hold content/ and scripts/)", dir)
	}
	return catalogue.Load(catalogue.OnDisk(dir))
}
