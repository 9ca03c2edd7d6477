package telegram

import (
	"context"
	"encoding/json"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// commands is the menu Telegram shows when a user types "/", by language:
// "" is the default (English), "vi" Vietnamese. They mirror the router's
// intents; the router reads each the same as its free-text form.
var commands = []struct {
	lang string
	list []tgbotapi.BotCommand
}{
	{"", []tgbotapi.BotCommand{
		{Command: "followups", Description: "Who to follow up with, most urgent first"},
		{Command: "log", Description: "Log a call, meeting or note: /log call with Acme, follow up Friday"},
		{Command: "customer", Description: "Show a customer: /customer Acme"},
		{Command: "done", Description: "Mark a follow-up done: /done Acme"},
		{Command: "undo", Description: "Undo your last change"},
		{Command: "settings", Description: "Your time zone, language and digest time"},
		{Command: "help", Description: "What Tend understands"},
		{Command: "deal", Description: "Open or update a deal: /deal Acme renewal 5000 USD"},
		{Command: "pipeline", Description: "Deals by stage"},
		{Command: "search", Description: "Find customers, contacts and notes"},
	}},
	{"vi", []tgbotapi.BotCommand{
		{Command: "followups", Description: "Cần liên hệ lại ai, việc gấp trước"},
		{Command: "log", Description: "Ghi cuộc gọi, cuộc gặp, ghi chú: /log gọi Minh Phát, thứ sáu gọi lại"},
		{Command: "customer", Description: "Xem một khách hàng: /customer Minh Phát"},
		{Command: "done", Description: "Đánh dấu đã liên hệ: /done Minh Phát"},
		{Command: "undo", Description: "Hoàn tác thay đổi gần nhất"},
		{Command: "settings", Description: "Múi giờ, ngôn ngữ và giờ nhận tóm tắt"},
		{Command: "help", Description: "Tend hiểu được những gì"},
		{Command: "deal", Description: "Mở hoặc cập nhật thương vụ: /deal Minh Phát gia hạn 5000 USD"},
		{Command: "pipeline", Description: "Thương vụ theo giai đoạn"},
		{Command: "search", Description: "Tìm khách hàng, người liên hệ và ghi chú"},
	}},
}

// setCommands registers the command menu in every language. A failure
// costs only the menu, so it is logged and Tend runs on.
func (a *Adapter) setCommands(ctx context.Context) {
	for _, c := range commands {
		cfg := tgbotapi.SetMyCommandsConfig{Commands: c.list, LanguageCode: c.lang}
		_, err := a.retry(ctx, func() (json.RawMessage, error) { return a.request(ctx, cfg) })
		if err != nil {
			a.log.Warn("telegram: command menu not set; commands still work when typed", "lang", c.lang, "err", describe(err))
		}
	}
}
