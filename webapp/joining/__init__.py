"""Joining the service: the public "Ask to join" page and the staff's queue of requests."""
