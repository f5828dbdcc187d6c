"""One-to-one sessions: finding a time, booking, the diary, availability, reminders, calendars."""
