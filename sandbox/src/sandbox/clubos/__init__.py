"""A fake gym club-management system ("ClubOS"): members, prospects, SMS/email messaging with an inbox,
door access, payment links, and signed push webhooks for member messages."""
