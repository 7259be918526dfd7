module github.com/scambot/scambot

go 1.26.8

require github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1

require (
	github.com/mattn/go-sqlite3 v1.14.32 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
