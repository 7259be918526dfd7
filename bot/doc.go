// Package bot is scambot's vocabulary: the types every other package speaks.
//
// A conversation is a sequence of Events (a command, a button choice, some
// free text) that the pure core turns into Replies (text and choices). The
// risk engine turns checklist answers and free text into an Assessment. None
// of these types know about Telegram, SQL or HTTP; adapters translate. This
// package imports only the standard library.
package bot
