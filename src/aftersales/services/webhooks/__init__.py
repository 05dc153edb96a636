"""The webhooks subdomain: event objects in the outbox, the endpoints they go to, and their
delivery (``handlers`` lists its use cases and reactions)."""
