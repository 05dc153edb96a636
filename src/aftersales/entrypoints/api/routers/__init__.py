"""One router per subdomain of the API."""
