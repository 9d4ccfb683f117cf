"""Site-wide pieces: the base look, home page, health check and deployment checks."""
