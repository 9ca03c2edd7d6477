package conversation

import (
	"fmt"
	"strings"
	"time"

	"github.com/tend-crm/tend/store"
)

// msg names a user-facing string. Every string Tend says is in catalog, in
// every language, so that a missing translation is a test failure rather
// than English in a Vietnamese chat.
type msg string

const (
	msgHelp                  msg = "help"
	msgUnknown               msg = "unknown"
	msgTooLong               msg = "too_long"
	msgInternal              msg = "internal"
	msgNotFound              msg = "not_found"
	msgNoCustomer            msg = "no_customer"
	msgWhichCustomer         msg = "which_customer"
	msgNewCustomerBtn        msg = "new_customer_button"
	msgLogged                msg = "logged"
	msgNewCustomer           msg = "new_customer"
	msgContact               msg = "contact"
	msgNewContact            msg = "new_contact"
	msgFollowUpSet           msg = "followup_set"
	msgNoFollowUpDate        msg = "no_followup_date"
	msgUndoBtn               msg = "undo_button"
	msgUndone                msg = "undone"
	msgNothingToUndo         msg = "nothing_to_undo"
	msgCannotUndo            msg = "cannot_undo"
	msgAgendaEmpty           msg = "agenda_empty"
	msgAgendaEmptyLater      msg = "agenda_empty_later"
	msgAgendaEmptyCustomer   msg = "agenda_empty_customer"
	msgAgendaHeader          msg = "agenda_header"
	msgAgendaHeaderOf        msg = "agenda_header_of"
	msgThreadOpened          msg = "thread_opened"
	msgNoThreads             msg = "no_threads"
	msgPipelineIdle          msg = "pipeline_idle"
	msgPipelineIdleMany      msg = "pipeline_idle_many"
	msgCalledBtn             msg = "called_button"
	msgCalledNote            msg = "called_note"
	msgCalledDone            msg = "called_done"
	msgPhoneIs               msg = "phone_is"
	msgSegmentIs             msg = "segment_is"
	msgCadenceIs             msg = "cadence_is"
	msgNoCadence             msg = "no_cadence"
	msgTeam                  msg = "team"
	msgOwnListOnly           msg = "own_list_only"
	msgNoTeammate            msg = "no_teammate"
	msgWhichTeammate         msg = "which_teammate"
	msgNothingLate           msg = "nothing_late"
	msgMoreBtn               msg = "more_button"
	msgDoneBtn               msg = "done_button"
	msgSnoozeBtn             msg = "snooze_button"
	msgSnooze1h              msg = "snooze_1h"
	msgSnoozeTomorrow        msg = "snooze_tomorrow"
	msgSnoozeWeek            msg = "snooze_week"
	msgShowBtn               msg = "show_button"
	msgReasonOverdue         msg = "reason_overdue"
	msgReasonDueToday        msg = "reason_due_today"
	msgReasonUpcoming        msg = "reason_upcoming"
	msgReasonCadence         msg = "reason_cadence"
	msgReasonNever           msg = "reason_never"
	msgReasonOccasion        msg = "reason_occasion"
	msgReasonOccToday        msg = "reason_occasion_today"
	msgReasonStuck           msg = "reason_stuck"
	msgReasonUnqualified     msg = "reason_unqualified"
	msgLast                  msg = "last"
	msgCompleted             msg = "completed"
	msgNotOpen               msg = "not_open"
	msgSnoozed               msg = "snoozed"
	msgNoOpenFollowUp        msg = "no_open_followup"
	msgWhichFollowUp         msg = "which_followup"
	msgCardStage             msg = "card_stage"
	msgCardContacts          msg = "card_contacts"
	msgCardFollowUps         msg = "card_followups"
	msgCardDeals             msg = "card_deals"
	msgCardTimeline          msg = "card_timeline"
	msgCardEmpty             msg = "card_empty"
	msgToday                 msg = "today"
	msgTomorrow              msg = "tomorrow"
	msgYesterday             msg = "yesterday"
	msgExpired               msg = "expired"
	msgKindCall              msg = "kind_call"
	msgKindMeeting           msg = "kind_meeting"
	msgKindEmail             msg = "kind_email"
	msgKindMessage           msg = "kind_message"
	msgKindNote              msg = "kind_note"
	msgUnknownCustomer       msg = "unknown_customer"
	msgBadName               msg = "bad_name"
	msgDigestHeader          msg = "digest_header"
	msgDigestMore            msg = "digest_more"
	msgDueNow                msg = "due_now"
	msgDueLate               msg = "due_late"
	msgAllBtn                msg = "all_button"
	msgDoneNamed             msg = "done_named"
	msgBadZone               msg = "bad_zone"
	msgSettingLang           msg = "setting_lang"
	msgSettingZone           msg = "setting_zone"
	msgSettingDigestOff      msg = "setting_digest_off"
	msgSettingDigestDaily    msg = "setting_digest_daily"
	msgSettingDigestWeekdays msg = "setting_digest_weekdays"
	msgDidYouMean            msg = "did_you_mean"
	msgAliasAdded            msg = "alias_added"
	msgAliasKnown            msg = "alias_known"
	msgOccasionAdded         msg = "occasion_added"
	msgOccBirthday           msg = "occ_birthday"
	msgOccAnniversary        msg = "occ_anniversary"
	msgBadDate               msg = "bad_date"
	msgBadInput              msg = "bad_input"
	msgAskInDM               msg = "ask_in_dm"
	msgDealCreated           msg = "deal_created"
	msgAskQualify            msg = "ask_qualify"
	msgDealMoved             msg = "deal_moved"
	msgDealLostReason        msg = "deal_lost_reason"
	msgDealWon               msg = "deal_won"
	msgDealSame              msg = "deal_same"
	msgDealUpdated           msg = "deal_updated"
	msgDealValue             msg = "deal_value"
	msgDealClose             msg = "deal_close"
	msgDealOwner             msg = "deal_owner"
	msgNeed                  msg = "need"
	msgBudget                msg = "budget"
	msgAuthority             msg = "authority"
	msgQualified             msg = "qualified"
	msgStillMissing          msg = "still_missing"
	msgNoOpenDeal            msg = "no_open_deal"
	msgWhichDeal             msg = "which_deal"
	msgUnknownDeal           msg = "unknown_deal"
	msgNameDeal              msg = "name_deal"
	msgBadAmount             msg = "bad_amount"
	msgUnknownUser           msg = "unknown_user"
	msgLinked                msg = "linked"
	msgCaptureAll            msg = "capture_all"
	msgCaptureMentions       msg = "capture_mentions"
	msgLinkInGroup           msg = "link_in_group"
	msgDealCardStage         msg = "deal_card_stage"
	msgDealCardClose         msg = "deal_card_close"
	msgDealCardLost          msg = "deal_card_lost"
	msgDealCardNext          msg = "deal_card_next"
	msgDealCardNoNext        msg = "deal_card_no_next"
	msgDealCardLast          msg = "deal_card_last"
	msgUnknownField          msg = "unknown_field"
	msgPipelineTeam          msg = "pipeline_team"
	msgPipelineMine          msg = "pipeline_mine"
	msgPipelineStage         msg = "pipeline_stage"
	msgPipelineEmpty         msg = "pipeline_empty"
	msgPipelineStuck         msg = "pipeline_stuck"
	msgPipelineStuckLine     msg = "pipeline_stuck_line"
	msgPipelineWeek          msg = "pipeline_week"
	msgPipelineRep           msg = "pipeline_rep"
	msgStageQualify          msg = "stage_qualify"
	msgStageProposal         msg = "stage_proposal"
	msgStageNegotiation      msg = "stage_negotiation"
	msgStageWon              msg = "stage_won"
	msgStageLost             msg = "stage_lost"
	msgCareThanks            msg = "care_thanks"
	msgCareCheckIn           msg = "care_check_in"
	msgCareYearly            msg = "care_yearly"
	msgOccPurchase           msg = "occ_purchase"
	msgOccDeath              msg = "occ_death"
	msgLunarThisYear         msg = "lunar_this_year"
	msgLunarNextYear         msg = "lunar_next_year"
	msgTetNote               msg = "tet_note"
	msgTetPlanned            msg = "tet_planned"
	msgTetWhichSegment       msg = "tet_which_segment"
	msgTetNoCustomers        msg = "tet_no_customers"
	msgTetAlready            msg = "tet_already"
)

// Access: who comes in, and the admin's user commands.
const (
	msgStranger      msg = "stranger"
	msgBadCode       msg = "bad_code"
	msgAccountTaken  msg = "account_taken"
	msgAccountLinked msg = "account_linked"
	msgWelcome       msg = "welcome"
	msgAlreadyIn     msg = "already_in"
	msgLinkCode      msg = "link_code"
	msgAdminsOnly    msg = "admins_only"
	msgInvite        msg = "invite"
	msgRoleAdmin     msg = "role_admin"
	msgRoleManager   msg = "role_manager"
	msgRoleRep       msg = "role_rep"
	msgNoSuchUser    msg = "no_such_user"
	msgNotAManager   msg = "not_a_manager"
	msgTeamSet       msg = "team_set"
	msgRemoveUsage   msg = "remove_usage"
	msgRemoved       msg = "removed"

	msgSearchHeader      msg = "search_header"
	msgSearchNone        msg = "search_none"
	msgSearchWhat        msg = "search_what"
	msgHitCustomer       msg = "hit_customer"
	msgHitContact        msg = "hit_contact"
	msgHitDeal           msg = "hit_deal"
	msgHitInteraction    msg = "hit_interaction"
	msgHitFollowUp       msg = "hit_followup"
	msgHistoryHeader     msg = "history_header"
	msgHistoryEmpty      msg = "history_empty"
	msgHistoryUndone     msg = "history_undone"
	msgReferralSet       msg = "referral_set"
	msgReferralKnown     msg = "referral_known"
	msgReferralSelf      msg = "referral_self"
	msgWhichReferrer     msg = "which_referrer"
	msgThankReferrer     msg = "thank_referrer"
	msgCardReferredBy    msg = "card_referred_by"
	msgCardReferred      msg = "card_referred"
	msgReasonReferralAsk msg = "reason_referral_ask"
	msgDealLogged        msg = "deal_logged"
	msgDealFollowUpDue   msg = "deal_followup_due"
	msgWeeklySummary     msg = "weekly_summary"
	msgUnknownStage      msg = "unknown_stage"
	// A customer's relationship stage (store.Stage).
	msgRelLead     msg = "rel_lead"
	msgRelProspect msg = "rel_prospect"
	msgRelCustomer msg = "rel_customer"
	msgRelLoyal    msg = "rel_loyal"
	msgRelAdvocate msg = "rel_advocate"
	msgRelLost     msg = "rel_lost"
)

// Import and export in chat.
const (
	msgImportNotAllowed  msg = "import_not_allowed"
	msgImportTooBig      msg = "import_too_big"
	msgImportFetchFailed msg = "import_fetch_failed"
	msgImportBinary      msg = "import_binary"
	msgImportNoHeader    msg = "import_no_header"
	msgImportUnreadable  msg = "import_unreadable"
	msgImportPriceList   msg = "import_price_list"
	msgImportPreview     msg = "import_preview"
	msgImportColumns     msg = "import_columns"
	msgImportLine        msg = "import_line"
	msgImportWould       msg = "import_would"
	msgImportNothing     msg = "import_nothing"
	msgImportWhole       msg = "import_whole"
	msgImportFailedLine  msg = "import_failed_line"
	msgImportMoreFailed  msg = "import_more_failed"
	msgImportReason      msg = "import_reason"
	msgImportBtn         msg = "import_button"
	msgImportGoodBtn     msg = "import_good_button"
	msgImportDone        msg = "import_done"
	msgExportFile        msg = "export_file"
	msgExportEmpty       msg = "export_empty"
	msgImportNoFile      msg = "import_no_file"
)

// What cannot be done as said, and what a reply adds.
const (
	msgFollowUpWasDue msg = "followup_was_due"
	msgNoNote         msg = "no_note"
	msgPastFollowUp   msg = "past_followup"
	msgPastSnooze     msg = "past_snooze"
	msgNoSuchDay      msg = "no_such_day"
	msgCadenceRange   msg = "cadence_range"
	msgNoChoice       msg = "no_choice"
	msgLoggedNote     msg = "logged_note"
	msgCardMore       msg = "card_more"
	// A customer's new relationship stage, as said after a change.
	msgNowLead     msg = "now_lead"
	msgNowProspect msg = "now_prospect"
	msgNowCustomer msg = "now_customer"
	msgNowLoyal    msg = "now_loyal"
	msgNowAdvocate msg = "now_advocate"
	msgNowLost     msg = "now_lost"
)

var catalog = map[string]map[msg]string{
	"en": {
		msgHelp: "I keep your customer relationships. Tell me what happened and I'll remember:\n" +
			"• called Acme, Jane wants a quote, follow up Tuesday\n" +
			"• met Globex about the renewal\n" +
			"• remind me to email Acme on Friday\n" +
			"• who should I follow up with? · overdue · follow-ups this week · team follow-ups\n" +
			"• show Acme · Acme is segment A · Acme's phone is 0903 123 456 · keep in touch with Acme every 2 weeks\n" +
			"• done Acme · snooze Acme until Monday · undo\n" +
			"• new deal Acme renewal 12,000 USD · Acme renewal to proposal · won Acme renewal · pipeline\n" +
			"• search pricing · what did we discuss with Acme? · history Acme\n" +
			"• send me a CSV file to import (admins and managers) · export\n" +
			"Commands: /tend log …, /followups, /tend show …, /tend deal …, /tend pipeline, /tend search …, /tend undo, /tend help",
		msgUnknown:               "Sorry, I didn't get that. Try \"called Acme, follow up Friday\" or \"who should I follow up with?\" — or type help.",
		msgTooLong:               "That message is too long for me to log (%d KB; the limit is %d KB). Nothing was saved — could you shorten it?",
		msgInternal:              "Something went wrong on my side; nothing was saved. Please try again (ref %s).",
		msgNotFound:              "I can't find that. It may have been removed, or it isn't yours.",
		msgNoCustomer:            "Which customer was that? Say it with the name, e.g. \"called Acme Corp, …\".",
		msgWhichCustomer:         "Which \"%s\" do you mean?",
		msgNewCustomerBtn:        "New: %s",
		msgLogged:                "Logged %s with %s.",
		msgNewCustomer:           "%s is new — added as a customer.",
		msgContact:               "Contact: %s.",
		msgNewContact:            "Contact: %s (new).",
		msgFollowUpSet:           "Follow-up: %s%s.",
		msgNoFollowUpDate:        "When should I remind you? Say e.g. \"remind me to call Acme on Friday\".",
		msgUndoBtn:               "Undo",
		msgUndone:                "Undone: %s.",
		msgNothingToUndo:         "There is nothing of yours to undo.",
		msgCannotUndo:            "I can't undo that: it has changed since, or later records depend on it.",
		msgAgendaEmpty:           "Nobody needs you right now — no follow-ups due and nobody past their keep-in-touch date.",
		msgAgendaEmptyLater:      "No follow-ups due %s.",
		msgAgendaEmptyCustomer:   "No open follow-ups for this customer, and nothing else needs you there.",
		msgAgendaHeader:          "To follow up (%d):",
		msgAgendaHeaderOf:        "%s — to follow up (%d):",
		msgImportNotAllowed:      "Only an admin or a manager can import a file. Ask one of them, or send me your changes as messages.",
		msgImportTooBig:          "%s is too big to import here (over %d MB). Import it with `tend import` on the server.",
		msgImportFetchFailed:     "I could not download %s. Please send it again.",
		msgImportBinary:          "%s is not a text file. Save it as CSV (comma-separated values) and send it again.",
		msgImportNoHeader:        "I don't recognise the columns of %s. Its first line should name them, e.g. Name, Phone, Email (or Tên khách hàng, Số điện thoại).",
		msgImportUnreadable:      "I cannot read %s: %v",
		msgImportPriceList:       "%s is a price list. Import it with its deals using `tend import` on the server.",
		msgImportPreview:         "%s: %s, %d line{s}. Nothing is stored yet.",
		msgImportColumns:         "Columns: %s",
		msgImportLine:            "line %d: %s",
		msgImportWould:           "Importing would create %d, update %d, skip %d; %d failed.",
		msgImportNothing:         "Nothing to change: Tend has all of it already.",
		msgImportWhole:           "A file is imported whole or not at all: fix the failed lines and send it again, or import only the good lines.",
		msgImportFailedLine:      "line %d failed: %s",
		msgImportMoreFailed:      "… and %d more failed lines",
		msgImportReason:          "%s (%d line{s})",
		msgImportBtn:             "Import",
		msgImportGoodBtn:         "Import the good lines",
		msgImportDone:            "Imported %s: %d created, %d updated, %d skipped, %d failed.",
		msgExportFile:            "%s — %d row{s}",
		msgExportEmpty:           "There is nothing to export yet.",
		msgImportNoFile:          "I can't find %s. Check the name, or send me the file itself and I'll show what importing it would do.",
		msgFollowUpWasDue:        "You had a follow-up due %s: %s.",
		msgNoNote:                "(no note)",
		msgPastFollowUp:          "That's in the past (%s) — when should I remind you? Nothing was saved.",
		msgPastSnooze:            "That's in the past (%s) — until when should I snooze it? Nothing was changed.",
		msgNoSuchDay:             "There is no %s — which day did you mean? Nothing was saved.",
		msgCadenceRange:          "A keep-in-touch cadence is 1 day to 10 years, so I changed nothing. Say e.g. \"keep in touch with %s every 2 weeks\".",
		msgNoChoice:              "There's no choice %s now — the buttons it was for have gone. Say what you'd like, or type help.",
		msgLoggedNote:            "Added a note on %s.",
		msgCardMore:              "… and %d more — say \"follow-ups for %s\" to see them all.",
		msgNowLead:               "now a lead",
		msgNowProspect:           "now a prospect",
		msgNowCustomer:           "now a customer",
		msgNowLoyal:              "now a loyal customer",
		msgNowAdvocate:           "now an advocate",
		msgNowLost:               "now lost",
		msgThreadOpened:          "🧵 %s — reply here to talk about this deal; I'll keep it on the deal's timeline.",
		msgNoThreads:             "I can't open threads here; say \"link deal …\" in the chat or thread that should follow it.",
		msgPipelineIdle:          "no activity yet: %s",
		msgPipelineIdleMany:      "no activity yet: %s and %d other{s}",
		msgCalledBtn:             "Called",
		msgCalledNote:            "the promised call",
		msgCalledDone:            "Logged your call with %s; the follow-up is done.",
		msgPhoneIs:               "phone %s",
		msgSegmentIs:             "segment %s",
		msgCadenceIs:             "keep in touch every %d day{s} (next by %s)",
		msgNoCadence:             "no keep-in-touch reminders",
		msgTeam:                  "The team",
		msgOwnListOnly:           "I can only show you your own follow-ups; a manager can see the team's.",
		msgNoTeammate:            "I don't know a teammate called %s.",
		msgWhichTeammate:         "Which %s: %s? Say the full name.",
		msgNothingLate:           "Nothing is late — every promise is on time.",
		msgMoreBtn:               "More (%d)",
		msgDoneBtn:               "Done",
		msgSnoozeBtn:             "Snooze",
		msgSnooze1h:              "1 hour",
		msgSnoozeTomorrow:        "Tomorrow",
		msgSnoozeWeek:            "Next week",
		msgShowBtn:               "Show %s",
		msgReasonOverdue:         "overdue %d d",
		msgReasonDueToday:        "due today",
		msgReasonUpcoming:        "due %s",
		msgReasonCadence:         "no contact in %d day{s} (every %d)",
		msgReasonNever:           "never contacted, added %d day{s} ago (every %d)",
		msgReasonOccasion:        "%s in %d day{s}",
		msgReasonOccToday:        "%s today",
		msgReasonStuck:           "deal %q stuck in %s %d day{s}",
		msgReasonUnqualified:     "%s unknown",
		msgLast:                  "Last: %s %s — %s",
		msgCompleted:             "Done: follow-up with %s.",
		msgNotOpen:               "That follow-up is already closed.",
		msgSnoozed:               "Snoozed: follow-up with %s, now %s.",
		msgNoOpenFollowUp:        "There is no open follow-up with %s.",
		msgWhichFollowUp:         "%s has several open follow-ups. Which one?",
		msgCardStage:             "%s · %s",
		msgCardContacts:          "Contacts:",
		msgCardFollowUps:         "Open follow-ups:",
		msgCardDeals:             "Deals:",
		msgCardTimeline:          "Recent:",
		msgCardEmpty:             "Nothing logged yet.",
		msgToday:                 "today",
		msgTomorrow:              "tomorrow",
		msgYesterday:             "yesterday",
		msgExpired:               "That choice has expired; please send the message again.",
		msgKindCall:              "a call",
		msgKindMeeting:           "a meeting",
		msgKindEmail:             "an email",
		msgKindMessage:           "a message",
		msgKindNote:              "a note",
		msgUnknownCustomer:       "I don't know a customer called %s.",
		msgBadName:               "I couldn't read a customer name there. Say it like \"called Acme Corp, …\".",
		msgDigestHeader:          "Good morning! To follow up today (%d):",
		msgDigestMore:            "…and %d more.",
		msgDueNow:                "Time to follow up with %s",
		msgDueLate:               " (it was due %s)",
		msgAllBtn:                "All (%d)",
		msgDoneNamed:             "Done: %s",
		msgBadZone:               "I don't know the time zone %q. Use a name like Asia/Ho_Chi_Minh or Europe/Berlin.",
		msgSettingLang:           "I'll reply in English.",
		msgSettingZone:           "Your time zone is now %s; I read your dates in it.",
		msgSettingDigestOff:      "No more morning digests. Say \"send my digest at 8:30\" to have them back.",
		msgSettingDigestDaily:    "Your digest comes at %s every day.",
		msgSettingDigestWeekdays: "Your digest comes at %s, Monday to Friday.",
		msgDidYouMean:            "I don't know \"%s\" yet. Did you mean one of these?",
		msgAliasAdded:            "Noted: %s is also called \"%s\".",
		msgAliasKnown:            "I already know %s as \"%s\".",
		msgOccasionAdded:         "Noted: %s, %s. I'll remind you 3 days ahead and on the day.",
		msgOccBirthday:           "birthday",
		msgOccAnniversary:        "anniversary",
		msgBadDate:               "That date doesn't exist or is missing — nothing was saved. Try e.g. \"12/5\" or \"next Tuesday 3pm\".",
		msgBadInput:              "I couldn't store that as written — nothing was saved. Could you shorten or rephrase it?",
		msgAskInDM:               "That's private — ask me in a direct message.",
		msgDealCreated:           "New deal %s (%s) · %s · %s.",
		msgAskQualify:            "To qualify it: what's the need, the budget, and who decides? Reply e.g. \"need: new CRM, budget 20k, authority: Ms Lan\".",
		msgDealMoved:             "%s: %s → %s.",
		msgDealLostReason:        "%s: lost — %s.",
		msgDealWon:               "%s is won! Care plan for %s: %s.",
		msgDealSame:              "%s is at %s already.",
		msgDealUpdated:           "%s: %s.",
		msgDealValue:             "value %s",
		msgDealClose:             "expected close %s",
		msgDealOwner:             "owner %s",
		msgNeed:                  "need",
		msgBudget:                "budget",
		msgAuthority:             "authority",
		msgQualified:             "Noted for %s: %s.",
		msgStillMissing:          "Still missing: %s.",
		msgNoOpenDeal:            "You have no open deal to qualify. Start one with \"new deal …\".",
		msgWhichDeal:             "Which deal do you mean by \"%s\"?",
		msgUnknownDeal:           "I don't know a deal called \"%s\". Start it with \"new deal %s …\".",
		msgNameDeal:              "Which deal? Name it, e.g. \"deal Acme renewal\".",
		msgBadAmount:             "I couldn't read the amount \"%s\". Try \"12,000 USD\", \"$12k\", \"150 triệu\" or \"1.2 tỷ\".",
		msgUnknownUser:           "I don't know a colleague called \"%s\".",
		msgLinked:                "This chat now follows %s: I'll add %s to its timeline. Say \"/tend deal\" here for its card.",
		msgCaptureAll:            "every message",
		msgCaptureMentions:       "messages that mention me",
		msgLinkInGroup:           "Link a deal from the channel or group that should follow it.",
		msgDealCardStage:         "Stage: %s (%d day{s}) · %s · owner %s",
		msgDealCardClose:         "Expected close: %s",
		msgDealCardLost:          "Lost: %s",
		msgDealCardNext:          "Next step: %s",
		msgDealCardNoNext:        "No next step yet — set a follow-up.",
		msgDealCardLast:          "Last contacts:",
		msgUnknownField:          "?",
		msgPipelineTeam:          "Pipeline — team",
		msgPipelineMine:          "Pipeline — yours",
		msgPipelineStage:         "%s: %d · %s · weighted %s",
		msgPipelineEmpty:         "No deals yet. Start one: \"new deal Acme renewal 12,000 USD\".",
		msgPipelineStuck:         "Stuck longest:",
		msgPipelineStuckLine:     "%s — %s, %d day{s}",
		msgPipelineWeek:          "This week:",
		msgPipelineRep:           "%s: %d call{s}, %d meeting{s}, %d follow-up{s} done",
		msgStageQualify:          "qualify",
		msgStageProposal:         "proposal",
		msgStageNegotiation:      "negotiation",
		msgStageWon:              "won",
		msgStageLost:             "lost",
		msgCareThanks:            "thank-you check-in: %s",
		msgCareCheckIn:           "check-in after the purchase: %s",
		msgCareYearly:            "a yearly reminder on %s",
		msgOccPurchase:           "purchase anniversary",

		msgStranger:      "Sorry, I'm a team's private assistant and I don't know you. If you were given an invite code, send: join CODE",
		msgBadCode:       "That code doesn't work: it may have been used or have expired. Ask whoever gave it to you for a new one.",
		msgAccountTaken:  "This account already belongs to a Tend user, so the code was not used.",
		msgAccountLinked: "Linked: this account is now %s's too, with the same customers and reminders.",
		msgWelcome:       "Welcome, %s! You're in.",
		msgAlreadyIn:     "You're already in — no code needed.",
		msgLinkCode:      "Your link code: %[1]s\nWithin %[2]d minutes, send \"link %[1]s\" to me from your other account (Slack or Telegram).",
		msgAdminsOnly:    "Only an admin can do that.",
		msgInvite:        "Invite code for a new %[2]s: %[1]s\nIt works once, within %[3]d days. They send me \"/start %[1]s\" on Telegram (a t.me link with ?start=%[1]s does it for them), or \"join %[1]s\".",
		msgRoleAdmin:     "admin",
		msgRoleManager:   "manager",
		msgRoleRep:       "rep",
		msgNoSuchUser:    "I don't know exactly one user called %s. Use their full name or @mention.",
		msgNotAManager:   "%s can't lead a team: only a manager or an admin can.",
		msgTeamSet:       "%s is now in %s's team.",
		msgRemoveUsage:   "Say who leaves and who takes over their customers: /tend user remove @lan to @minh",
		msgRemoved:       "%s is removed; %s takes over their customers (%d), open deals (%d) and open follow-ups (%d). Their history is kept.",

		msgSearchHeader:      "Found for \"%s\":",
		msgSearchNone:        "Nothing found for \"%s\" among the customers you see.",
		msgSearchWhat:        "What should I look for? Say e.g. \"search pricing\" or \"what did we discuss with Acme about pricing?\"",
		msgHitCustomer:       "%s — customer",
		msgHitContact:        "%s — contact %s",
		msgHitDeal:           "%s — deal \"%s\"",
		msgHitInteraction:    "%s — %s, %s: %s",
		msgHitFollowUp:       "%s — follow-up: %s",
		msgHistoryHeader:     "Recent changes to %s:",
		msgHistoryEmpty:      "No changes recorded for %s yet.",
		msgHistoryUndone:     "(undone)",
		msgOccDeath:          "death anniversary",
		msgLunarThisYear:     "%s lunar — this year %s",
		msgLunarNextYear:     "%s lunar — next on %s",
		msgTetNote:           "Tết greetings",
		msgTetPlanned:        "Planned Tết greetings for %d customer{s} in segment %s: a follow-up each on %s, %d day{s} before Tết (%s).",
		msgTetWhichSegment:   "For which segment? E.g. \"plan Tết greetings for segment A\".",
		msgTetNoCustomers:    "You have no customers in segment %s — nothing was planned.",
		msgTetAlready:        "Tết greetings for segment %s are planned already.",
		msgReferralSet:       "Noted: %s was referred by %s.",
		msgReferralKnown:     "I knew already: %s was referred by %s.",
		msgReferralSelf:      "%s cannot refer itself.",
		msgWhichReferrer:     "Which %s referred them: %s? Say it again with the full name.",
		msgThankReferrer:     "thank %s for referring %s",
		msgCardReferredBy:    "Referred by %s",
		msgCardReferred:      "Referred: %s",
		msgReasonReferralAsk: "won %q %d day{s} ago, ask for a referral",
		msgDealLogged:        "%s: %s logged %s — %s",
		msgDealFollowUpDue:   "%s: %s's follow-up is due (%s)",
		msgWeeklySummary:     "Weekly pipeline summary",
		msgUnknownStage:      "%q is not a stage of our pipeline: %s.",
		msgRelLead:           "lead",
		msgRelProspect:       "prospect",
		msgRelCustomer:       "customer",
		msgRelLoyal:          "loyal",
		msgRelAdvocate:       "advocate",
		msgRelLost:           "lost",
	},
	"vi": {
		msgHelp: "Tôi giữ mối quan hệ khách hàng cho bạn. Kể cho tôi điều vừa xảy ra, tôi sẽ nhớ:\n" +
			"• gọi cho Minh Phát, chị Lan muốn báo giá, thứ ba tuần sau gọi lại\n" +
			"• gặp anh Tuấn bên Hoàng Long\n" +
			"• nhắc tôi gọi Sao Mai thứ sáu\n" +
			"• ai cần gọi lại hôm nay? · việc quá hạn · ai cần liên hệ tuần này · ai cần liên hệ của cả nhóm\n" +
			"• xem Minh Phát · Minh Phát là khách hạng A · số điện thoại Minh Phát 0903 123 456 · giữ liên lạc với Minh Phát mỗi tháng\n" +
			"• xong Minh Phát · hoãn Minh Phát đến thứ hai · hoàn tác\n" +
			"• cơ hội mới Minh Phát 150 triệu · chuyển Minh Phát sang đàm phán · chốt deal Minh Phát · báo cáo\n" +
			"• tìm báo giá Minh Phát · lịch sử Minh Phát\n" +
			"• gửi tệp CSV để nhập (quản trị viên, quản lý) · xuất dữ liệu\n" +
			"Lệnh: /tend log …, /followups, /tend show …, /tend deal …, /tend pipeline, /tend search …, /tend undo, /tend help",
		msgUnknown:               "Xin lỗi, tôi chưa hiểu. Thử \"gọi cho Minh Phát, thứ sáu gọi lại\" hoặc \"ai cần gọi lại hôm nay?\" — hoặc gõ help.",
		msgTooLong:               "Tin nhắn quá dài để lưu (%d KB; tối đa %d KB). Chưa lưu gì — bạn rút gọn giúp nhé?",
		msgInternal:              "Có lỗi ở phía tôi; chưa lưu gì cả. Bạn thử lại nhé (mã %s).",
		msgNotFound:              "Tôi không tìm thấy. Có thể nó đã bị xóa, hoặc không thuộc quyền của bạn.",
		msgNoCustomer:            "Khách hàng nào vậy? Hãy nói kèm tên, ví dụ \"gọi cho Minh Phát, …\".",
		msgWhichCustomer:         "Bạn nói \"%s\" nào?",
		msgNewCustomerBtn:        "Mới: %s",
		msgLogged:                "Đã ghi %s với %s.",
		msgNewCustomer:           "%s là khách mới — tôi đã thêm vào danh sách.",
		msgContact:               "Người liên hệ: %s.",
		msgNewContact:            "Người liên hệ: %s (mới).",
		msgFollowUpSet:           "Hẹn liên hệ lại: %s%s.",
		msgNoFollowUpDate:        "Khi nào tôi nhắc bạn? Ví dụ \"nhắc tôi gọi Minh Phát thứ sáu\".",
		msgUndoBtn:               "Hoàn tác",
		msgUndone:                "Đã hoàn tác: %s.",
		msgNothingToUndo:         "Không có gì của bạn để hoàn tác.",
		msgCannotUndo:            "Không hoàn tác được: dữ liệu đã thay đổi, hoặc có bản ghi sau dựa vào nó.",
		msgAgendaEmpty:           "Hiện chưa ai cần bạn — không có lịch hẹn đến hạn, không ai quá hạn giữ liên lạc.",
		msgAgendaEmptyLater:      "Không có lịch hẹn nào đến hạn %s.",
		msgAgendaEmptyCustomer:   "Khách này không có lịch hẹn đang mở, cũng không có việc gì cần làm.",
		msgAgendaHeader:          "Cần liên hệ (%d):",
		msgAgendaHeaderOf:        "%s — cần liên hệ (%d):",
		msgImportNotAllowed:      "Chỉ quản trị viên hoặc quản lý mới nhập được tệp. Hãy nhờ một người trong số họ, hoặc nhắn tôi từng thay đổi.",
		msgImportTooBig:          "%s quá lớn để nhập ở đây (hơn %d MB). Hãy nhập bằng `tend import` trên máy chủ.",
		msgImportFetchFailed:     "Tôi không tải được %s. Bạn gửi lại nhé.",
		msgImportBinary:          "%s không phải tệp văn bản. Hãy lưu thành CSV (giá trị phân tách bằng dấu phẩy) rồi gửi lại.",
		msgImportNoHeader:        "Tôi không nhận ra các cột của %s. Dòng đầu cần ghi tên cột, ví dụ Tên khách hàng, Số điện thoại, Email.",
		msgImportUnreadable:      "Tôi không đọc được %s: %v",
		msgImportPriceList:       "%s là bảng giá. Hãy nhập nó cùng các cơ hội bằng `tend import` trên máy chủ.",
		msgImportPreview:         "%s: %s, %d dòng. Chưa lưu gì cả.",
		msgImportColumns:         "Các cột: %s",
		msgImportLine:            "dòng %d: %s",
		msgImportWould:           "Nếu nhập sẽ tạo mới %d, cập nhật %d, bỏ qua %d; %d dòng lỗi.",
		msgImportNothing:         "Không có gì thay đổi: Tend đã có tất cả.",
		msgImportWhole:           "Tệp được nhập trọn vẹn hoặc không nhập gì: hãy sửa các dòng lỗi rồi gửi lại, hoặc chỉ nhập các dòng tốt.",
		msgImportFailedLine:      "dòng %d lỗi: %s",
		msgImportMoreFailed:      "… và %d dòng lỗi khác",
		msgImportReason:          "%s (%d dòng)",
		msgImportBtn:             "Nhập",
		msgImportGoodBtn:         "Nhập các dòng tốt",
		msgImportDone:            "Đã nhập %s: tạo mới %d, cập nhật %d, bỏ qua %d, lỗi %d.",
		msgExportFile:            "%s — %d dòng",
		msgExportEmpty:           "Chưa có gì để xuất.",
		msgImportNoFile:          "Tôi không tìm thấy %s. Hãy kiểm tra lại tên, hoặc gửi chính tệp đó cho tôi để xem trước khi nhập.",
		msgFollowUpWasDue:        "Bạn có lịch hẹn đến hạn %s: %s.",
		msgNoNote:                "(không ghi chú)",
		msgPastFollowUp:          "Lúc đó (%s) đã qua rồi — bạn muốn tôi nhắc khi nào? Chưa lưu gì.",
		msgPastSnooze:            "Lúc đó (%s) đã qua rồi — bạn muốn hoãn đến khi nào? Chưa thay đổi gì.",
		msgNoSuchDay:             "Không có ngày %s — ý bạn là ngày nào? Chưa lưu gì.",
		msgCadenceRange:          "Nhịp giữ liên lạc phải từ 1 ngày đến 10 năm, nên tôi chưa thay đổi gì. Ví dụ: \"giữ liên lạc với %s mỗi 2 tuần\".",
		msgNoChoice:              "Hiện không có lựa chọn %s — các nút đó không còn nữa. Bạn nói điều bạn muốn, hoặc gõ help nhé.",
		msgLoggedNote:            "Đã thêm ghi chú cho %s.",
		msgCardMore:              "… và %d lịch hẹn khác — nói \"việc cần làm với %s\" để xem hết.",
		msgNowLead:               "giai đoạn: khách mới",
		msgNowProspect:           "giai đoạn: tiềm năng",
		msgNowCustomer:           "giai đoạn: khách quen",
		msgNowLoyal:              "giai đoạn: thân thiết",
		msgNowAdvocate:           "giai đoạn: ủng hộ",
		msgNowLost:               "giai đoạn: đã mất",
		msgThreadOpened:          "🧵 %s — trả lời tại đây để bàn về cơ hội này; tôi sẽ ghi vào lịch sử của nó.",
		msgNoThreads:             "Tôi không mở luồng ở đây được; hãy nói \"liên kết deal …\" trong nhóm hoặc luồng cần theo dõi nó.",
		msgPipelineIdle:          "chưa có hoạt động: %s",
		msgPipelineIdleMany:      "chưa có hoạt động: %s và %d người khác",
		msgCalledBtn:             "Đã gọi",
		msgCalledNote:            "cuộc gọi đã hẹn",
		msgCalledDone:            "Đã ghi cuộc gọi với %s; việc hẹn đã xong.",
		msgPhoneIs:               "số điện thoại %s",
		msgSegmentIs:             "hạng %s",
		msgCadenceIs:             "giữ liên lạc mỗi %d ngày (lần tới trước %s)",
		msgNoCadence:             "không nhắc giữ liên lạc",
		msgTeam:                  "Cả nhóm",
		msgOwnListOnly:           "Tôi chỉ cho bạn xem việc cần làm của chính bạn; quản lý mới xem được của cả nhóm.",
		msgNoTeammate:            "Tôi không biết đồng nghiệp nào tên %s.",
		msgWhichTeammate:         "%s nào: %s? Bạn nói đủ họ tên nhé.",
		msgNothingLate:           "Không có việc nào quá hạn — mọi hẹn đều đúng hạn.",
		msgMoreBtn:               "Thêm (%d)",
		msgDoneBtn:               "Xong",
		msgSnoozeBtn:             "Hoãn",
		msgSnooze1h:              "1 tiếng",
		msgSnoozeTomorrow:        "Ngày mai",
		msgSnoozeWeek:            "Tuần sau",
		msgShowBtn:               "Xem %s",
		msgReasonOverdue:         "quá hạn %d ngày",
		msgReasonDueToday:        "hẹn hôm nay",
		msgReasonUpcoming:        "hẹn %s",
		msgReasonCadence:         "%d ngày chưa liên lạc (định kỳ %d)",
		msgReasonNever:           "chưa liên lạc lần nào, thêm %d ngày trước (định kỳ %d)",
		msgReasonOccasion:        "%s sau %d ngày",
		msgReasonOccToday:        "%s hôm nay",
		msgReasonStuck:           "cơ hội %q dừng ở %s %d ngày",
		msgReasonUnqualified:     "chưa rõ %s",
		msgLast:                  "Gần nhất: %s %s — %s",
		msgCompleted:             "Xong: hẹn với %s.",
		msgNotOpen:               "Lịch hẹn này đã đóng rồi.",
		msgSnoozed:               "Đã hoãn: hẹn với %s, nay là %s.",
		msgNoOpenFollowUp:        "Không có lịch hẹn nào đang mở với %s.",
		msgWhichFollowUp:         "%s có nhiều lịch hẹn đang mở. Cái nào?",
		msgCardStage:             "%s · %s",
		msgCardContacts:          "Người liên hệ:",
		msgCardFollowUps:         "Lịch hẹn đang mở:",
		msgCardDeals:             "Cơ hội:",
		msgCardTimeline:          "Gần đây:",
		msgCardEmpty:             "Chưa có ghi chép nào.",
		msgToday:                 "hôm nay",
		msgTomorrow:              "ngày mai",
		msgYesterday:             "hôm qua",
		msgExpired:               "Lựa chọn này đã hết hạn; bạn gửi lại tin nhắn nhé.",
		msgKindCall:              "cuộc gọi",
		msgKindMeeting:           "cuộc gặp",
		msgKindEmail:             "email",
		msgKindMessage:           "tin nhắn",
		msgKindNote:              "ghi chú",
		msgUnknownCustomer:       "Tôi không biết khách hàng nào tên %s.",
		msgBadName:               "Tôi không đọc được tên khách hàng. Hãy viết như \"gọi cho Minh Phát, …\".",
		msgDigestHeader:          "Chào buổi sáng! Hôm nay cần liên hệ (%d):",
		msgDigestMore:            "…và %d khách khác.",
		msgDueNow:                "Đến giờ liên hệ lại với %s",
		msgDueLate:               " (hẹn lúc %s)",
		msgAllBtn:                "Tất cả (%d)",
		msgDoneNamed:             "Xong: %s",
		msgBadZone:               "Tôi không biết múi giờ %q. Dùng tên như Asia/Ho_Chi_Minh hoặc Europe/Berlin.",
		msgSettingLang:           "Tôi sẽ trả lời bằng tiếng Việt.",
		msgSettingZone:           "Múi giờ của bạn giờ là %s; tôi đọc ngày giờ theo múi giờ này.",
		msgSettingDigestOff:      "Đã tắt bản tóm tắt buổi sáng. Nói \"gửi tóm tắt lúc 8h30\" để bật lại.",
		msgSettingDigestDaily:    "Bản tóm tắt sẽ đến lúc %s mỗi ngày.",
		msgSettingDigestWeekdays: "Bản tóm tắt sẽ đến lúc %s, từ thứ Hai đến thứ Sáu.",
		msgDidYouMean:            "Tôi chưa biết \"%s\". Có phải bạn muốn nói:",
		msgAliasAdded:            "Đã ghi: %s còn gọi là \"%s\".",
		msgAliasKnown:            "Tôi đã biết %s còn gọi là \"%s\".",
		msgOccasionAdded:         "Đã ghi: %s, %s. Tôi sẽ nhắc trước 3 ngày và đúng ngày.",
		msgOccBirthday:           "sinh nhật",
		msgOccAnniversary:        "ngày kỷ niệm",
		msgBadDate:               "Ngày này không có hoặc bị thiếu — chưa lưu gì. Thử \"12/5\" hoặc \"15h thứ ba tuần sau\".",
		msgBadInput:              "Tôi không lưu được như vậy — chưa lưu gì. Bạn rút gọn hoặc viết lại giúp nhé?",
		msgAskInDM:               "Việc này là riêng tư — hãy hỏi tôi trong tin nhắn riêng.",
		msgDealCreated:           "Cơ hội mới %s (%s) · %s · %s.",
		msgAskQualify:            "Để đánh giá: nhu cầu là gì, ngân sách bao nhiêu, ai quyết định? Trả lời ví dụ \"nhu cầu: CRM mới, ngân sách 200 triệu, người quyết định: chị Lan\".",
		msgDealMoved:             "%s: %s → %s.",
		msgDealLostReason:        "%s: mất — %s.",
		msgDealWon:               "Đã thắng %s! Kế hoạch chăm sóc %s: %s.",
		msgDealSame:              "%s đang ở %s rồi.",
		msgDealUpdated:           "%s: %s.",
		msgDealValue:             "giá trị %s",
		msgDealClose:             "dự kiến chốt %s",
		msgDealOwner:             "phụ trách %s",
		msgNeed:                  "nhu cầu",
		msgBudget:                "ngân sách",
		msgAuthority:             "người quyết định",
		msgQualified:             "Đã ghi cho %s: %s.",
		msgStillMissing:          "Còn thiếu: %s.",
		msgNoOpenDeal:            "Bạn chưa có cơ hội nào đang mở. Tạo một cơ hội: \"cơ hội mới …\".",
		msgWhichDeal:             "\"%s\" là cơ hội nào?",
		msgUnknownDeal:           "Tôi không biết cơ hội nào tên \"%s\". Tạo bằng \"cơ hội mới %s …\".",
		msgNameDeal:              "Cơ hội nào? Hãy nêu tên, ví dụ \"deal Minh Phát\".",
		msgBadAmount:             "Tôi không đọc được số tiền \"%s\". Thử \"150 triệu\", \"1,2 tỷ\", \"12.000.000đ\" hoặc \"12,000 USD\".",
		msgUnknownUser:           "Tôi không biết đồng nghiệp nào tên \"%s\".",
		msgLinked:                "Nhóm này giờ theo dõi %s: tôi sẽ ghi %s vào lịch sử của nó. Gõ \"/tend deal\" ở đây để xem thẻ.",
		msgCaptureAll:            "mọi tin nhắn",
		msgCaptureMentions:       "các tin nhắn nhắc đến tôi",
		msgLinkInGroup:           "Hãy liên kết cơ hội từ kênh hoặc nhóm sẽ theo dõi nó.",
		msgDealCardStage:         "Giai đoạn: %s (%d ngày) · %s · phụ trách %s",
		msgDealCardClose:         "Dự kiến chốt: %s",
		msgDealCardLost:          "Lý do mất: %s",
		msgDealCardNext:          "Bước tiếp theo: %s",
		msgDealCardNoNext:        "Chưa có bước tiếp theo — hãy đặt lịch hẹn.",
		msgDealCardLast:          "Liên hệ gần đây:",
		msgUnknownField:          "?",
		msgPipelineTeam:          "Pipeline — cả nhóm",
		msgPipelineMine:          "Pipeline — của bạn",
		msgPipelineStage:         "%s: %d · %s · theo xác suất %s",
		msgPipelineEmpty:         "Chưa có cơ hội nào. Tạo một: \"cơ hội mới Minh Phát 150 triệu\".",
		msgPipelineStuck:         "Đứng lâu nhất:",
		msgPipelineStuckLine:     "%s — %s, %d ngày",
		msgPipelineWeek:          "Tuần này:",
		msgPipelineRep:           "%s: %d cuộc gọi, %d cuộc gặp, %d việc đã xong",
		msgStageQualify:          "đánh giá",
		msgStageProposal:         "báo giá",
		msgStageNegotiation:      "đàm phán",
		msgStageWon:              "thắng",
		msgStageLost:             "mất",
		msgCareThanks:            "hỏi thăm cảm ơn: %s",
		msgCareCheckIn:           "hỏi thăm sau mua hàng: %s",
		msgCareYearly:            "nhắc hằng năm vào %s",
		msgOccPurchase:           "kỷ niệm mua hàng",

		msgStranger:      "Xin lỗi, tôi là trợ lý riêng của một nhóm và tôi chưa biết bạn. Nếu bạn có mã mời, hãy gửi: join MÃ",
		msgBadCode:       "Mã này không dùng được: có thể đã được dùng hoặc đã hết hạn. Hãy xin người gửi mã một mã mới.",
		msgAccountTaken:  "Tài khoản này đã thuộc về một người dùng Tend, nên mã chưa được dùng.",
		msgAccountLinked: "Đã liên kết: tài khoản này giờ cũng là của %s, cùng khách hàng và lời nhắc.",
		msgWelcome:       "Chào mừng %s! Bạn đã vào.",
		msgAlreadyIn:     "Bạn đã là người dùng rồi — không cần mã.",
		msgLinkCode:      "Mã liên kết của bạn: %[1]s\nTrong %[2]d phút, hãy gửi \"link %[1]s\" cho tôi từ tài khoản kia (Slack hoặc Telegram).",
		msgAdminsOnly:    "Chỉ quản trị viên mới làm được việc này.",
		msgInvite:        "Mã mời cho một %[2]s mới: %[1]s\nMã dùng được một lần, trong %[3]d ngày. Người được mời gửi \"/start %[1]s\" cho tôi trên Telegram (đường dẫn t.me có ?start=%[1]s làm việc này giúp họ), hoặc \"join %[1]s\".",
		msgRoleAdmin:     "quản trị viên",
		msgRoleManager:   "quản lý",
		msgRoleRep:       "nhân viên kinh doanh",
		msgNoSuchUser:    "Tôi không tìm được đúng một người dùng tên %s. Hãy dùng tên đầy đủ hoặc @tên.",
		msgNotAManager:   "%s không thể quản lý nhóm: chỉ quản lý hoặc quản trị viên mới được.",
		msgTeamSet:       "%s giờ thuộc nhóm của %s.",
		msgRemoveUsage:   "Hãy nói ai nghỉ và ai nhận khách hàng của họ: /tend user remove @lan to @minh",
		msgRemoved:       "Đã xoá %s; %s nhận khách hàng (%d), thương vụ đang mở (%d) và việc cần theo dõi (%d) của họ. Lịch sử vẫn được giữ.",

		msgSearchHeader:      "Kết quả cho \"%s\":",
		msgSearchNone:        "Không tìm thấy \"%s\" trong các khách hàng bạn xem được.",
		msgSearchWhat:        "Bạn muốn tìm gì? Ví dụ \"tìm báo giá Minh Phát\" hoặc \"đã nói gì với Minh Phát về giá?\"",
		msgHitCustomer:       "%s — khách hàng",
		msgHitContact:        "%s — người liên hệ %s",
		msgHitDeal:           "%s — cơ hội \"%s\"",
		msgHitInteraction:    "%s — %s, %s: %s",
		msgHitFollowUp:       "%s — hẹn: %s",
		msgHistoryHeader:     "Thay đổi gần đây của %s:",
		msgHistoryEmpty:      "Chưa có thay đổi nào của %s.",
		msgHistoryUndone:     "(đã hoàn tác)",
		msgOccDeath:          "giỗ",
		msgLunarThisYear:     "%s âm lịch — năm nay %s",
		msgLunarNextYear:     "%s âm lịch — lần tới %s",
		msgTetNote:           "Chúc Tết",
		msgTetPlanned:        "Đã lên lịch chúc Tết %d khách nhóm %s: mỗi khách một việc cần làm vào %s, trước Tết %d ngày (%s).",
		msgTetWhichSegment:   "Nhóm khách nào? Ví dụ: \"lên lịch chúc Tết khách nhóm A\".",
		msgTetNoCustomers:    "Bạn không có khách nào trong nhóm %s — chưa lên lịch gì.",
		msgTetAlready:        "Lời chúc Tết cho nhóm %s đã được lên lịch rồi.",
		msgReferralSet:       "Đã ghi: %s được %s giới thiệu.",
		msgReferralKnown:     "Tôi đã biết: %s được %s giới thiệu.",
		msgReferralSelf:      "%s không thể tự giới thiệu mình.",
		msgWhichReferrer:     "%s nào đã giới thiệu: %s? Bạn nói lại với tên đầy đủ nhé.",
		msgThankReferrer:     "cảm ơn %s đã giới thiệu %s",
		msgCardReferredBy:    "Được %s giới thiệu",
		msgCardReferred:      "Đã giới thiệu: %s",
		msgReasonReferralAsk: "đã chốt %q %d ngày trước, nhờ giới thiệu khách",
		msgDealLogged:        "%s: %s đã ghi một %s — %s",
		msgDealFollowUpDue:   "%s: đến hạn liên hệ lại của %s (%s)",
		msgWeeklySummary:     "Tóm tắt pipeline hằng tuần",
		msgUnknownStage:      "%q không phải giai đoạn trong pipeline của nhóm: %s.",
		// The words "X là khách …" sets a stage with (customer.go), so that
		// what Tend shows can be said back.
		msgRelLead:     "khách mới",
		msgRelProspect: "tiềm năng",
		msgRelCustomer: "khách quen",
		msgRelLoyal:    "thân thiết",
		msgRelAdvocate: "ủng hộ",
		msgRelLost:     "đã mất",
	},
}

// t renders a catalogue string in lang, falling back to English.
func t(lang string, key msg, args ...any) string {
	s, ok := catalog[lang][key]
	if !ok {
		s = catalog["en"][key]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(plural(s, args), args...)
}

// plural settles each "{s}" of an English format by the number of the %d
// verb before it: "%d day{s}" is "1 day", "3 days". It is done on the
// format, before the arguments are in, so that no name or note is
// touched.
func plural(format string, args []any) string {
	if !strings.Contains(format, "{s}") {
		return format
	}
	var b strings.Builder
	arg, last := 0, -1 // the next argument; the one of the latest %d
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch {
		case c == '%' && i+1 < len(format) && format[i+1] == '%':
			b.WriteString("%%")
			i++
			continue
		case c == '%':
			j := i + 1
			for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
				j++
			}
			if j < len(format) && format[j] == 'd' {
				last = arg
			}
			arg++
			b.WriteString(format[i : j+1])
			i = j
			continue
		case strings.HasPrefix(format[i:], "{s}"):
			if n, ok := args[min(max(last, 0), len(args)-1)].(int); !ok || last < 0 || n != 1 {
				b.WriteByte('s')
			}
			i += len("{s}") - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

var weekdays = map[string][7]string{
	"en": {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	"vi": {"CN", "T2", "T3", "T4", "T5", "T6", "T7"},
}

// dueText words a due time for a person in loc: "today", "tomorrow 15:00",
// "Fri 13 Mar".
func dueText(lang string, due time.Time, allDay bool, now time.Time, loc *time.Location) string {
	d, n := due.In(loc), now.In(loc)
	days := civilDays(d) - civilDays(n)
	var day string
	switch days {
	case 0:
		day = t(lang, msgToday)
	case 1:
		day = t(lang, msgTomorrow)
	case -1:
		day = t(lang, msgYesterday)
	default:
		wd := weekdays[lang]
		if wd[0] == "" {
			wd = weekdays["en"]
		}
		day = fmt.Sprintf("%s %d/%d", wd[d.Weekday()], d.Day(), int(d.Month()))
		if lang == "en" {
			day = wd[d.Weekday()] + " " + d.Format("2 Jan")
		}
		if d.Year() != n.Year() {
			day += fmt.Sprintf(" %d", d.Year())
		}
	}
	if allDay {
		return day
	}
	return day + " " + d.Format("15:04")
}

func civilDays(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// relationshipName words a customer's stage: "loyal" / "thân thiết".
func relationshipName(lang string, s store.Stage) string { return stageText(lang, s, relKeys) }

var relKeys = map[store.Stage]msg{store.StageLead: msgRelLead, store.StageProspect: msgRelProspect,
	store.StageCustomer: msgRelCustomer, store.StageLoyal: msgRelLoyal, store.StageAdvocate: msgRelAdvocate,
	store.StageLost: msgRelLost}

// stageText words s with its message in keys; a stage without one (a
// new stage, an old book's) as it is stored.
func stageText(lang string, s store.Stage, keys map[store.Stage]msg) string {
	if key, ok := keys[s]; ok {
		return t(lang, key)
	}
	return string(s)
}

// changeText words a change's summary for history and undo. The store
// writes summaries in English, in a few fixed shapes ("log call and
// follow-up: Acme", "deal won: Acme renewal", "undo: …"); in Vietnamese
// each part before the colon is translated, and a summary of another
// shape is shown as it is rather than half translated.
func changeText(lang, summary string) string {
	if lang != "vi" {
		return summary
	}
	head, rest, ok := strings.Cut(summary, ": ")
	if !ok {
		return summary
	}
	switch {
	case head == "undo":
		return "hoàn tác: " + changeText(lang, rest)
	case strings.HasPrefix(head, "import "): // "import customers.csv: 3 created, 1 updated"
		var created, updated int
		if n, _ := fmt.Sscanf(rest, "%d created, %d updated", &created, &updated); n == 2 {
			rest = fmt.Sprintf("%d tạo mới, %d cập nhật", created, updated)
		}
		return "nhập " + strings.TrimPrefix(head, "import ") + ": " + rest
	case head == "referral": // "referral: Acme by Globex"
		if i := strings.LastIndex(rest, " by "); i > 0 {
			return fmt.Sprintf("giới thiệu: %s được %s giới thiệu", rest[:i], rest[i+len(" by "):])
		}
	case head == "remove user": // "remove user: Ann, hand over to Bob"
		if i := strings.LastIndex(rest, ", hand over to "); i > 0 {
			return fmt.Sprintf("xóa người dùng: %s, giao lại cho %s", rest[:i], rest[i+len(", hand over to "):])
		}
	case strings.HasPrefix(head, "deal ") && viChangeWords[head] == "": // "deal won: Acme renewal"
		return "chuyển cơ hội sang " + stageName(lang, strings.TrimPrefix(head, "deal ")) + ": " + rest
	}
	parts := strings.Split(head, " and ")
	for i, part := range parts {
		w := viChangeWords[part]
		if w == "" {
			return summary
		}
		parts[i] = w
	}
	return strings.Join(parts, " và ") + ": " + rest
}

// viChangeWords are the parts of change summaries (store.Activity.Summary,
// store.DealUpdate.Summary and the store's other descriptions) in
// Vietnamese.
var viChangeWords = map[string]string{
	"log call": "ghi cuộc gọi", "log meeting": "ghi cuộc gặp", "log email": "ghi email", "log message": "ghi tin nhắn",
	"log note": "ghi chú", "follow-up": "hẹn liên hệ lại", "complete follow-up": "xong hẹn", "snooze follow-up": "hoãn hẹn",
	"birthday": "sinh nhật", "anniversary": "ngày kỷ niệm", "purchase": "kỷ niệm mua hàng", "death_anniversary": "giỗ",
	"new deal": "cơ hội mới", "deal value": "giá trị cơ hội", "deal owner": "người phụ trách cơ hội",
	"deal close date": "ngày chốt dự kiến", "deal qualification": "đánh giá cơ hội", "update deal": "cập nhật cơ hội",
	"link chat": "gắn cuộc trò chuyện", "capture message": "lưu tin nhắn", "update customer": "cập nhật khách hàng",
}
