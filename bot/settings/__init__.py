"""/settings: time zone and digest preferences."""
