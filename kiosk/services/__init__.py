"""Use cases of the kiosk: tickets, guide, session, requests, status, printing."""
