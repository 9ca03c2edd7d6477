// Package when finds the date and time a chat message refers to, in English
// and Vietnamese, relative to a reference time in the user's zone.
//
// The message is split into words, numbers and punctuation, each folded with
// store.FoldRune, so one rule set reads "thứ ba" and "thu ba". Small
// table-driven rules read components (a day, a clock time, a part of the day,
// a span from now) and join neighbouring ones ("9h sáng mai", "tomorrow at
// 3pm"); the longest expression in the message (in words) wins, the first
// on a tie.
//
// Rules for ambiguity:
//
//   - Weeks run Monday to Sunday.
//   - A weekday alone ("friday", "thứ ba", "t3") is its next occurrence
//     strictly after today. "this friday" is the next on or after today.
//     "next friday", "friday next week", "thứ sáu tuần sau" are the Friday of
//     next week; "last friday" and "thứ sáu tuần trước" the Friday of last week.
//   - "next week", "tuần sau/tới", "sang tuần": Monday of next week. "this
//     week", "end of (the) week", "eow", "tuần này": Friday of this week.
//     "weekend" and "cuối tuần" (which means the weekend): Saturday of this
//     week; "cuối tuần sau": Saturday of next week. A weekend or end-of-week
//     day already past this week is today.
//   - "next month", "tháng sau/tới": the same day next month, clamped to its
//     length; "end of the month", "cuối tháng": its last day; "beginning of
//     next month", "đầu tháng (sau)": the 1st of next month.
//   - Numeric dates are DAY/MONTH ("3/12" is 3 December), D/M/YY(YY) too;
//     "2026-12-03" is ISO. A date without a year that is already past is next
//     year's; "mùng 5", "ngày 5", "the 5th" are this month's, or next month's
//     when past.
//   - A clock time without a day ("at 3pm", "15h") is today if still ahead,
//     else tomorrow. A part of the day alone ("this morning", "chiều") is today.
//   - An hour 1–6 written without am/pm, leading zero or part of the day is
//     afternoon: "at 3", "3h", "3:30" → 15:xx; 7–12 are read as written.
//     A part of the day turns "3h chiều" into 15:00 and "9 giờ tối" into 21:00.
//   - Parts of the day: morning/sáng 09:00, noon/trưa 12:00, afternoon/chiều
//     14:00, evening 18:00, tối 19:00, tonight/night 20:00, đêm 22:00.
//   - A bare number is never a date or time ("call 3 people"); "at 9" and
//     "lúc 9" are.
//   - Spans: minutes and hours are added to now ("in 2 hours"); days, weeks,
//     months give a day at 00:00 ("3 ngày nữa").
//   - Back in time: "2 days ago/back", "3 ngày trước", "cách đây 2 ngày";
//     "last night" (20:00) and "tối/đêm/sáng qua" are yesterday; "earlier
//     today" is today; "last month", "tháng trước", "last year", "năm
//     ngoái/trước", which name no day, are a month or a year ago.
//   - FindPast reads the ambiguous days backwards: a weekday alone is the
//     last one, "(over) the weekend" the one just gone, a date without a
//     year this year's unless last year's is nearer.
//
// Words that are also names or other words, typed with or without accents:
//
//   - "mai" is tomorrow unless it is written with an accent (mãi, mái), the
//     next word is capitalised ("Mai Linh"), it is capitalised and not first
//     in its clause ("gặp Mai lúc 3h"), or it follows a title or "cho"
//     ("chị mai", "gọi cho mai"). After a part of the day ("chiều mai") it is
//     always tomorrow.
//   - "nay" alone is today only first in its clause ("nay gọi lại"); "này"
//     never is. Unaccented "sang", "toi", "dem" (sáng/sang, tối/tôi/tới,
//     đêm/đem) and "night" count only next to a day or a clock ("toi nay").
//   - Abbreviations "mon", "sat", "sun", "wed", …, and "CN" count only after a
//     prefix ("on sat", "hẹn CN"), next to another component, or at the end
//     of a clause ("Sun Group", "sat with Acme" are not dates). English words
//     and month names match only when typed in ASCII ("món" is not "mon"), and
//     "3 may"/"3 sep" need a capital or a year ("gửi 3 may" is three machines).
//   - Numbers glued to other text are not read: "gt6x", "v2.5", "1.5/3".
//   - "thu" is Thursday (as "thurs") only typed in lower case, not after a
//     title and not before a weekday number: "ping her thu" is Thursday;
//     "chị Thu", "Thu", "thu 6" are a name and a Vietnamese weekday.
package when
