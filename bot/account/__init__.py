"""A user's own data: /privacy and /delete_me."""
