"""Labels stage: classify briefings (topics, places, actors), relate them, extract prices."""
