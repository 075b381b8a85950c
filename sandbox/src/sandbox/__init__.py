"""Local stand-ins for the outside systems Renubu talks to (Salesforce, Active, ClubOS, an SMTP sink,
the club's lead form), with realistic auth, paging, rate limits, error formats and run-time fault
injection. Its own distribution (renubu-sandbox): it imports nothing of Renubu.

Run it with `python -m sandbox` (settings: `sandbox.settings`; state kept under RENUBU_DATA_DIR, see
`sandbox.persist`); build it in-process with `sandbox.app.create_app(settings)`. The seeded data is
`sandbox.seed_data.generate(seed, today)`; test helpers live in `sandbox.testing`.
"""
