"""Group sessions and the parents' places at them."""
