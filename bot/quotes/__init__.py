"""Quotes: an atelier's structured offer for an introduction, and the designer's comparison."""
