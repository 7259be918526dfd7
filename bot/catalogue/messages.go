package catalogue

import (
	"strings"

	"github.com/scambot/scambot/bot"
)

// Messages are the user-facing texts of content/messages/<lang>.yaml, by
// language and key.
type Messages map[bot.Lang]map[string]string

// Get returns the message for key in lang, with each "{name}" replaced by
// the value that follows name in args. A missing key returns the key itself
// (Load guarantees every key in MessageKeys exists in every language).
func (m Messages) Get(lang bot.Lang, key string, args ...string) string {
	s, ok := m[lang][key]
	if !ok {
		s, ok = m[bot.ZH][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{"+args[i]+"}", args[i+1])
	}
	return s
}

// MessageKeys lists every message the code uses. Each must exist in every
// language; a key in one language's file but not the others is an error.
var MessageKeys = []string{
	// conversation
	"welcome", "help", "ask_story", "choose_lang", "lang_set", "choose_region", "region_set",
	"question_progress", "answer_unsure", "btn_back", "btn_result", "btn_restart", "btn_check",
	"btn_hotlines", "btn_share", "btn_story", "btn_correct", "btn_continue",
	"understood_intro", "understood_none", "understood_named", "understood_amounts", "correct_intro", "stale_choice", "nothing_to_undo",
	"forgotten", "text_too_long", "empty_text", "unknown_command", "checklist_done",
	// results
	"urgent_stop", "urgent_loss",
	"result_header_low", "result_header_medium", "result_header_high", "result_header_critical",
	"result_reasons", "result_stage", "result_next", "result_todo", "result_numbers",
	"result_low_note", "result_script", "result_category",
	// advice
	"advice_hang_up", "advice_no_transfer", "advice_no_codes", "advice_stop_sharing",
	"advice_verify_org", "advice_verify_app", "advice_verify_generic", "advice_antifraud",
	"advice_call_police_now", "advice_freeze", "advice_tell_lenders", "advice_evidence",
	"advice_recovery_scam", "advice_caller_id", "advice_low", "advice_ask_family",
	// hotlines
	"hotlines_header", "hotlines_region", "hotline_line", "hotline_where", "hotlines_none",
	// sharing
	"share_card",
	// reports from the field
	"btn_report", "btn_skip", "btn_cancel", "report_consent", "report_evidence", "report_thanks",
	"report_cancelled", "report_limit",
	// group watch
	"watch_warning", "btn_check_private",
	// telegram: the group watch switch (/watch) and the model's second look
	"watch_on", "watch_on_hidden", "watch_off", "watch_status_on", "watch_status_off",
	"model_closer_look",
	// --- telegram adapter (moderation helper): groups, flood control, command menu ---
	"tg_group_invite", "tg_group_intro", "tg_private_button", "tg_slow_down",
	"cmd_check", "cmd_hotlines", "cmd_result", "cmd_back", "cmd_region", "cmd_lang", "cmd_help", "cmd_forget", "cmd_start",
	// --- telegram adapter: moderators ---
	"cmd_reload", "cmd_stats", "cmd_history", "cmd_reports", "cmd_mod", "mod_help", "mod_help_owner",
	"mod_reload_no_dir", "mod_reload_live", "mod_reload_unchanged", "mod_reload_errors", "mod_reload_misses", "mod_more", "mod_none",
	"mod_stats_header", "mod_stats_period", "mod_stats_levels", "mod_stats_categories", "mod_stats_scripts", "mod_stats_signals",
	"mod_stats_pending", "mod_stats_empty", "mod_history_actions", "mod_history_versions", "mod_history_empty",
	"mod_reports_none", "mod_report", "mod_report_evidence", "mod_pick_script", "mod_done_approved", "mod_done_rejected",
	"mod_done_new_pattern", "mod_stale", "btn_mod_approve", "btn_mod_other", "btn_mod_reject", "btn_mod_new_pattern", "btn_mod_skip",
	"btn_mod_category", "btn_mod_all", "btn_mod_prev", "btn_mod_next", "btn_mod_back",
	"mod_usage", "mod_bad_id", "mod_added", "mod_removed", "mod_not_added", "mod_configured", "mod_list",
}
