"""Security building blocks: encryption at rest, passwords, sessions, audit."""
