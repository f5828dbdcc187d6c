"""Services the areas call: mail, push, encryption and the audit log."""
