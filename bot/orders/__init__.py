"""Orders: an accepted quote through sampling, the cutting ticket and production to delivery."""
