"""Pages stage: briefing pages, listings, taxonomy and price pages, feeds, citations, exports."""
