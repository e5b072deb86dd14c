"""Email: an outbox filled by services, a sender that delivers it, and neutral message texts."""
