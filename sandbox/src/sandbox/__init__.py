"""Local stand-ins for the outside systems Renubu talks to (Salesforce, Active), with realistic
auth, paging, rate limits, error formats and run-time fault injection.

Run it with `python -m sandbox`; build it in-process with `sandbox.app.create_app(settings)`.
The seeded data is `sandbox.seed_data.generate(seed, today)`; test helpers live in `sandbox.testing`.
"""
