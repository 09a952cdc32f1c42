"""Source stage: read an article file, clean it, describe it (title, dates, credits)."""
