"""How CoPlan contacts each parent: their choice of channels, quiet hours and STOP."""
