"""A locality's set-up for its sessions: venues, the school calendar, locality rules."""
