package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadConfigEnvironment(t *testing.T) {
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN":     "123:abc",
		"SCAMBOT_MODERATORS":     "11, 22,33",
		"SCAMBOT_OWNER":          "7",
		"SCAMBOT_REGION":         "hk",
		"SCAMBOT_SESSION_TTL":    "2h",
		"SCAMBOT_RETENTION":      "240h",
		"SCAMBOT_WATCH_INTERVAL": "90s",
		"SCAMBOT_LLM_TIMEOUT":    "3s",
		"SCAMBOT_LLM_MODEL":      "m",
	}
	c, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.TelegramToken != "123:abc" || c.Owner != 7 || len(c.Moderators) != 3 || c.Moderators[2] != 33 || c.Region != "HK" ||
		c.SessionTTL != 2*time.Hour || c.Retention != 240*time.Hour || c.WatchInterval != 90*time.Second ||
		c.LLMTimeout != 3*time.Second || c.LLMModel != "m" {
		t.Fatalf("config from the environment = %+v", c)
	}
}

func TestLoadConfigDefaultsAndErrors(t *testing.T) {
	c, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.LLMTimeout != 8*time.Second || c.WatchInterval != 10*time.Minute || c.SessionTTL != 24*time.Hour {
		t.Fatalf("defaults = %+v", c)
	}
	// Every bad value is named at once, by its variable.
	bad := map[string]string{"SCAMBOT_OWNER": "me", "SCAMBOT_LLM_TIMEOUT": "soon", "SCAMBOT_MODERATORS": "1,x"}
	_, err = LoadConfig(func(k string) string { return bad[k] })
	for k := range bad {
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("error %v does not name %s", err, k)
		}
	}
}

func TestLoadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scambot.yaml")
	if err := os.WriteFile(path, []byte("region: TW\nwatch_interval: 5m\nllm_timeout: 2s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SCAMBOT_CONFIG": path, "SCAMBOT_LLM_TIMEOUT": "4s"}
	c, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	// The environment wins over the file.
	if c.Region != "TW" || c.WatchInterval != 5*time.Minute || c.LLMTimeout != 4*time.Second {
		t.Fatalf("config = %+v", c)
	}
	if err := os.WriteFile(path, []byte("regoin: TW\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "regoin") {
		t.Fatalf("a misspelt key: error %v, want it named", err)
	}
}
