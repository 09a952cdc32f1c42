"""Site stage: the built site: search index (Pagefind), publishing to a folder, the page spool."""
