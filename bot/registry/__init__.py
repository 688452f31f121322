"""The atelier registry: CSV import/export, the matcher's view of it, and the live match index."""
