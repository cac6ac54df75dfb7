"""govsim."""
