""" "How did it go?" after an accepted introduction, and the answers to a capacity check."""
