"""Sessions booked around school hours."""
