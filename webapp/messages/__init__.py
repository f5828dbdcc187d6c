"""Messages: one conversation between each parent and the staff who work with them."""
