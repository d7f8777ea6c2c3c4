"""rating package."""
