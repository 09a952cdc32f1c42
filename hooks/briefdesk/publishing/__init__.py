"""Publishing stage: stable URLs (the registry) and versions of revised articles."""
