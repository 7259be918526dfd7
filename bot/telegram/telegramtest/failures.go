package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
)

// apiError is a failed answer: HTTP status = error_code, description and
// response parameters as the real server builds them.
type apiError struct {
	code       int
	desc       string
	retryAfter int
	migrateTo  int64
	unknown    bool // the method is not emulated
}

func (e *apiError) Error() string { return e.desc }

func badRequest(msg string) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + msg}
}

func forbidden(msg string) *apiError {
	return &apiError{code: http.StatusForbidden, desc: "Forbidden: " + msg}
}

func conflict(msg string) *apiError {
	return &apiError{code: http.StatusConflict, desc: "Conflict: " + msg}
}

func tooManyRequests(retryAfter int) *apiError {
	retryAfter = max(retryAfter, 1)
	return &apiError{
		code:       http.StatusTooManyRequests,
		desc:       "Too Many Requests: retry after " + strconv.Itoa(retryAfter),
		retryAfter: retryAfter,
	}
}

// badRequestTD turns a TDLib-style message into a 400 description the way
// the real server does: the first letter is lower-cased unless the second
// character is '_' or an upper-case letter (so MTProto codes such as
// BUTTON_DATA_INVALID stay as they are).
func badRequestTD(msg string) *apiError {
	if len(msg) >= 2 && !(msg[1] == '_' || ('A' <= msg[1] && msg[1] <= 'Z')) && 'A' <= msg[0] && msg[0] <= 'Z' {
		msg = string(msg[0]+'a'-'A') + msg[1:]
	}
	return badRequest(msg)
}

// Messages of conflicts, exactly as the real server words them.
const (
	msgConflictGetUpdates = "terminated by other getUpdates request; make sure that only one bot instance is running"
	msgConflictWebhook    = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	msgConflictSetWebhook = "terminated by setWebhook request"
	msgQueryTooOld        = "query is too old and response timeout expired or query ID is invalid"
	msgNotModified        = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
)

// A Failure is an answer forced on the next calls of a method by FailNextWith.
type Failure struct {
	// Status is the HTTP status and error_code.
	Status int
	// Description is the envelope's description; empty means the usual one
	// for Status (see FailNext).
	Description string
	// RetryAfter is parameters.retry_after and the Retry-After header for
	// a 429; 0 means 1.
	RetryAfter int
	// MigrateToChatID sets parameters.migrate_to_chat_id.
	MigrateToChatID int64
	// RawBody, when set, is written as is (with RawContentType) instead of
	// a JSON envelope, like an nginx error page in front of the API.
	RawBody        string
	RawContentType string
	// Drop closes the connection without answering.
	Drop bool
}

type failRule struct {
	method string // lower case; "" matches every method
	f      Failure
	left   int
}

// FailNext makes the next n calls of method (case-insensitive; "" or "*"
// for any method) fail with status and the real server's envelope for it:
//
//	400 "Bad Request: chat not found"
//	401 "Unauthorized"
//	403 "Forbidden: bot was blocked by the user"
//	404 "Not Found: method not found"
//	409 "Conflict: terminated by other getUpdates request; …"
//	429 "Too Many Requests: retry after 1", parameters.retry_after 1, Retry-After: 1
//	500 "Internal Server Error: restart"
//
// 502, 503 and 504 answer an nginx-style HTML page instead of JSON, as the
// proxy in front of api.telegram.org does. Rules queue up in call order.
func (s *Server) FailNext(method string, status, n int) {
	s.FailNextWith(method, failureFor(status), n)
}

// FailNextWithRetryAfter makes the next n calls of method answer 429 "Too
// Many Requests: retry after <seconds>" with parameters.retry_after and the
// Retry-After header.
func (s *Server) FailNextWithRetryAfter(method string, seconds, n int) {
	s.FailNextWith(method, Failure{Status: http.StatusTooManyRequests, RetryAfter: seconds}, n)
}

// DropNext makes the server close the connection without answering the next
// n calls of method, so the client sees a transport error.
func (s *Server) DropNext(method string, n int) {
	s.FailNextWith(method, Failure{Drop: true}, n)
}

// FailNextWith makes the next n calls of method answer f.
func (s *Server) FailNextWith(method string, f Failure, n int) {
	if n <= 0 {
		return
	}
	if method == "*" {
		method = ""
	}
	switch {
	case f.Drop || f.RawBody != "":
	case f.Status == http.StatusTooManyRequests:
		f.RetryAfter = max(f.RetryAfter, 1)
		if f.Description == "" {
			f.Description = "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter)
		}
	case f.Description == "":
		def := failureFor(f.Status)
		f.Description, f.RawBody, f.RawContentType = def.Description, def.RawBody, def.RawContentType
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, &failRule{method: normalizeMethod(method), f: f, left: n})
}

// failureFor returns the usual failure for an HTTP status.
func failureFor(status int) Failure {
	f := Failure{Status: status}
	switch status {
	case http.StatusBadRequest:
		f.Description = "Bad Request: chat not found"
	case http.StatusUnauthorized:
		f.Description = "Unauthorized"
	case http.StatusForbidden:
		f.Description = "Forbidden: bot was blocked by the user"
	case http.StatusNotFound:
		f.Description = "Not Found: method not found"
	case http.StatusConflict:
		f.Description = "Conflict: " + msgConflictGetUpdates
	case http.StatusTooManyRequests:
		f.RetryAfter = 1
		f.Description = "Too Many Requests: retry after 1"
	case http.StatusInternalServerError:
		f.Description = "Internal Server Error: restart"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		text := fmt.Sprintf("%d %s", status, nginxReason(status))
		f.RawBody = "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
			"</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
		f.RawContentType = "text/html"
	default:
		f.Description = http.StatusText(status)
	}
	return f
}

func nginxReason(status int) string {
	switch status {
	case http.StatusServiceUnavailable:
		return "Service Temporarily Unavailable"
	case http.StatusGatewayTimeout:
		return "Gateway Time-out"
	}
	return http.StatusText(status)
}

// takeFailure consumes the first pending rule that matches method.
func (s *Server) takeFailure(method string) *Failure {
	m := normalizeMethod(method)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.fails {
		if r.method != "" && r.method != m {
			continue
		}
		f := r.f
		r.left--
		if r.left <= 0 {
			s.fails = append(s.fails[:i], s.fails[i+1:]...)
		}
		return &f
	}
	return nil
}

// inject answers call with an injected failure.
func (s *Server) inject(w http.ResponseWriter, call *Call, f *Failure) {
	switch {
	case f.Drop:
		// Record first: once the connection closes the client goes on,
		// and its next call must not be recorded before this one.
		call.Status = 0
		s.record(call, false)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	case f.RawBody != "":
		ct := f.RawContentType
		if ct == "" {
			ct = "text/plain"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.RawBody))
		call.Status = f.Status
		call.Description = f.RawBody
		s.record(call, false)
	default:
		aerr := &apiError{code: f.Status, desc: f.Description, migrateTo: f.MigrateToChatID}
		if f.Status == http.StatusTooManyRequests {
			aerr.retryAfter = f.RetryAfter
		}
		s.finish(w, call, nil, aerr)
	}
}
