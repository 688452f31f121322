"""What every feature shares: replies and the keyboard builder, button data, the current user, the renderer registry, a pause's end date."""
