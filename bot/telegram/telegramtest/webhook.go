package telegramtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SecretTokenHeader is the header carrying setWebhook's secret_token.
const SecretTokenHeader = "X-Telegram-Bot-Api-Secret-Token"

type webhookState struct {
	url         string
	secret      string
	maxConn     int
	ip          string
	hasCert     bool
	lastErrDate int64
	lastErrMsg  string
	nextAllowed time.Time
}

// WebhookInfo is the server's webhook registration, as getWebhookInfo
// reports it, plus the secret token.
type WebhookInfo struct {
	URL                  string   `json:"url"`
	HasCustomCertificate bool     `json:"has_custom_certificate"`
	PendingUpdateCount   int      `json:"pending_update_count"`
	LastErrorDate        int64    `json:"last_error_date,omitempty"`
	LastErrorMessage     string   `json:"last_error_message,omitempty"`
	MaxConnections       int      `json:"max_connections,omitempty"`
	IPAddress            string   `json:"ip_address,omitempty"`
	AllowedUpdates       []string `json:"allowed_updates,omitempty"`
	SecretToken          string   `json:"-"`
}

// Webhook returns the current webhook registration.
func (s *Server) Webhook() WebhookInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookInfoLocked()
}

func (s *Server) webhookInfoLocked() WebhookInfo {
	w := s.webhook
	info := WebhookInfo{
		URL:                  w.url,
		HasCustomCertificate: w.hasCert,
		PendingUpdateCount:   len(s.queue),
		LastErrorDate:        w.lastErrDate,
		LastErrorMessage:     w.lastErrMsg,
		MaxConnections:       w.maxConn,
		AllowedUpdates:       append([]string(nil), s.allowedRaw...),
		SecretToken:          w.secret,
	}
	if w.url != "" {
		info.IPAddress = w.ip
		if info.IPAddress == "" {
			info.IPAddress = "<unknown>"
		}
	}
	return info
}

// getWebhookInfo implements getWebhookInfo.
func (s *Server) getWebhookInfo(params, []string) (*result, *apiError) {
	return ok(s.webhookInfoLocked())
}

// setWebhook implements setWebhook.
func (s *Server) setWebhook(p params, files []string) (*result, *apiError) {
	return s.changeWebhook(p, files, p.str("url"))
}

// deleteWebhook implements deleteWebhook.
func (s *Server) deleteWebhook(p params, files []string) (*result, *apiError) {
	return s.changeWebhook(p, files, "")
}

// changeWebhook follows the real server's process_set_webhook_query and
// do_set_webhook. The URL check is relaxed: any absolute http or https URL
// is accepted (the real server wants HTTPS on port 443, 80, 88 or 8443).
func (s *Server) changeWebhook(p params, files []string, newURL string) (*result, *apiError) {
	now := s.now()
	if newURL != "" && s.limits.SetWebhookInterval > 0 {
		if now.Before(s.webhook.nextAllowed) {
			return nil, tooManyRequests(1)
		}
		s.webhook.nextAllowed = now.Add(s.limits.SetWebhookInterval)
	}
	hasCert := false
	for _, f := range files {
		hasCert = hasCert || f == "certificate"
	}
	maxConn, secret, ip := 0, "", ""
	if newURL != "" {
		maxConn = p.integer("max_connections", 40, 1, 100)
		secret = p.str("secret_token")
		ip = p.str("ip_address")
	}
	drop := p.boolean("drop_pending_updates")
	if s.webhook.url == newURL && !s.webhook.hasCert && !hasCert && s.webhook.maxConn == maxConn &&
		s.webhook.secret == secret && s.webhook.ip == ip && !drop {
		s.setAllowedLocked(p.str("allowed_updates"))
		if newURL == "" {
			return &result{value: true, description: "Webhook is already deleted"}, nil
		}
		return &result{value: true, description: "Webhook is already set"}, nil
	}
	if newURL != "" {
		s.abortPollLocked(msgConflictSetWebhook)
	}
	wasSet := s.webhook.url != ""
	if wasSet {
		s.webhook = webhookState{nextAllowed: s.webhook.nextAllowed}
	}
	if drop {
		clear(s.queue)
		s.queue = s.queue[:0]
	}
	if newURL == "" {
		s.changedLocked()
		if wasSet {
			return &result{value: true, description: "Webhook was deleted"}, nil
		}
		return &result{value: true, description: "Webhook is already deleted"}, nil
	}
	if !validWebhookURL(newURL) {
		return nil, badRequest("invalid webhook URL specified")
	}
	if len(secret) > maxSecretTokenBytes {
		return nil, badRequest("secret token is too long")
	}
	for _, c := range []byte(secret) {
		if !(isAlpha(c) || isDigit(c) || c == '_' || c == '-') {
			return nil, badRequest("secret token contains unallowed characters")
		}
	}
	s.webhook = webhookState{
		url: newURL, secret: secret, maxConn: maxConn, ip: ip, hasCert: hasCert,
		nextAllowed: s.webhook.nextAllowed,
	}
	s.setAllowedLocked(p.str("allowed_updates"))
	s.changedLocked()
	return &result{value: true, description: "Webhook was set"}, nil
}

func validWebhookURL(raw string) bool {
	full := raw
	if !strings.Contains(raw, "://") {
		full = "https://" + raw
	}
	u, err := url.Parse(full)
	if err != nil || u.Host == "" || strings.ContainsAny(raw, " \t\r\n") {
		return false
	}
	return u.Scheme == "https" || u.Scheme == "http"
}

// DeliverWebhook POSTs update updateID (pending or already delivered) to
// the registered webhook as the real server does: one JSON Update,
// Content-Type application/json, and the secret token header when one was
// set. It returns the bot's HTTP status. A 2xx confirms the update; a
// method in a 2xx response body (the "reply to a webhook" feature) is run
// and recorded in Calls with FromWebhookReply set. Any other status is
// recorded as the webhook's last error. The error is set when no webhook is
// registered, the update is unknown, or the request fails.
func (s *Server) DeliverWebhook(ctx context.Context, updateID int) (int, error) {
	s.mu.Lock()
	secret := s.webhook.secret
	s.mu.Unlock()
	return s.deliver(ctx, updateID, secret, true)
}

// DeliverWebhookWithSecret is DeliverWebhook with secret in the secret
// token header instead of the registered one ("" sends no header), to test
// that the bot rejects forged deliveries. The update is not confirmed by a
// 2xx answer.
func (s *Server) DeliverWebhookWithSecret(ctx context.Context, updateID int, secret string) (int, error) {
	return s.deliver(ctx, updateID, secret, false)
}

// DeliverPending delivers every pending update in order with
// DeliverWebhook and returns the statuses. It stops at the first error.
func (s *Server) DeliverPending(ctx context.Context) ([]int, error) {
	var statuses []int
	for _, id := range s.PendingUpdates() {
		st, err := s.DeliverWebhook(ctx, id)
		if err != nil {
			return statuses, err
		}
		statuses = append(statuses, st)
	}
	return statuses, nil
}

func (s *Server) deliver(ctx context.Context, updateID int, secret string, genuine bool) (int, error) {
	s.mu.Lock()
	target := s.webhook.url
	raw, found := s.history[updateID]
	s.mu.Unlock()
	if target == "" {
		return 0, fmt.Errorf("telegramtest: deliver update %d: no webhook is set", updateID)
	}
	if !found {
		return 0, fmt.Errorf("telegramtest: deliver update %d: no such update", updateID)
	}
	if !strings.Contains(target, "://") {
		target = "https://" + target
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(raw))
	if err != nil {
		return 0, fmt.Errorf("telegramtest: deliver update %d: %w", updateID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretTokenHeader, secret)
	}
	resp, err := s.webhookClient.Do(req)
	if err != nil {
		s.webhookError("Connection refused")
		return 0, fmt.Errorf("telegramtest: deliver update %d: %w", updateID, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if genuine {
			s.webhookError(fmt.Sprintf("Wrong response from the webhook: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode)))
		}
		return resp.StatusCode, nil
	}
	if !genuine {
		// Telegram never sees the answer to a forged delivery.
		return resp.StatusCode, nil
	}
	s.mu.Lock()
	for i, q := range s.queue {
		if q.id == updateID {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			break
		}
	}
	s.changedLocked()
	s.mu.Unlock()
	s.runWebhookReply(resp.Header.Get("Content-Type"), body)
	return resp.StatusCode, nil
}

func (s *Server) webhookError(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook.lastErrDate = s.now().Unix()
	s.webhook.lastErrMsg = msg
	s.changedLocked()
}

// runWebhookReply runs a method the bot put in a webhook response body.
// Like the real server it ignores getters, setWebhook, deleteWebhook, close
// and logOut, and does not report the outcome to the bot.
func (s *Server) runWebhookReply(contentType string, body []byte) {
	if len(bytes.TrimSpace(body)) == 0 {
		return
	}
	req, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return
	}
	ct, _, _ := mime.ParseMediaType(contentType)
	req.Header.Set("Content-Type", ct)
	p, files, aerr := decodeRequest(req)
	if aerr != nil {
		return
	}
	method := p.str("method")
	m := normalizeMethod(method)
	if m == "" || strings.HasPrefix(m, "get") || m == "setwebhook" || m == "deletewebhook" || m == "close" || m == "logout" {
		return
	}
	delete(p, "method")
	call := &Call{Method: method, Params: p, Files: files, FromWebhookReply: true}
	res, aerr := s.dispatch(m, p, files)
	s.finish(nil, call, res, aerr)
}
